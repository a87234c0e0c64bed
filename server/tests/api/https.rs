//! HTTPS: HTTP/2 with HSTS, plain HTTP redirected, and a renewed
//! certificate served without a restart.

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::tls::TlsInfo;
use reqwest::{Certificate, StatusCode, Version};
use server::calendar::Calendar;
use server::settings::Settings;

use crate::helpers::fresh_database;

const HOST: &str = "anju.test";

struct TestCert {
    pem: String,
    key: String,
    der: Vec<u8>,
}

fn test_cert() -> TestCert {
    let made = rcgen::generate_simple_self_signed(vec![HOST.to_owned()]).expect("certificate");
    TestCert {
        pem: made.cert.pem(),
        key: made.key_pair.serialize_pem(),
        der: made.cert.der().to_vec(),
    }
}

fn install(cert: &TestCert, dir: &Path) {
    std::fs::write(dir.join("cert.pem"), &cert.pem).expect("cert written");
    std::fs::write(dir.join("key.pem"), &cert.key).expect("key written");
}

/// A client that trusts `certs`, reaches `HOST` at the loopback address,
/// opens a new connection for each request and follows no redirect.
fn client(certs: &[&TestCert], port: u16) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .resolve(HOST, SocketAddr::from(([127, 0, 0, 1], port)))
        .tls_info(true)
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none());
    for cert in certs {
        builder =
            builder.add_root_certificate(Certificate::from_pem(cert.pem.as_bytes()).expect("PEM"));
    }
    builder.build().expect("client")
}

async fn served_certificate(client: &reqwest::Client, port: u16) -> Vec<u8> {
    let res = client
        .get(format!("https://{HOST}:{port}/healthz"))
        .send()
        .await
        .expect("HTTPS request");
    let info = res.extensions().get::<TlsInfo>().expect("TLS info");
    info.peer_certificate().expect("a certificate").to_vec()
}

#[tokio::test]
async fn https_serves_http2_with_hsts_and_picks_up_a_renewed_certificate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (first, renewed) = (test_cert(), test_cert());
    install(&first, dir.path());
    let settings = Settings {
        tls_cert: Some(dir.path().join("cert.pem")),
        tls_key: Some(dir.path().join("key.pem")),
        http_redirect_port: Some(0),
        demo: true,
        ..Settings::local(fresh_database(&dir).await)
    };
    let app = server::build_with_clock(settings, Calendar::system_clock())
        .await
        .expect("server starts");
    let (port, redirect) = (app.port(), app.redirect_port().expect("redirect port"));
    tokio::spawn(app.run_until_stopped());
    let client = client(&[&first, &renewed], port);

    let health = client
        .get(format!("https://{HOST}:{port}/healthz"))
        .send()
        .await
        .expect("HTTPS request");
    let plain = client
        .get(format!("http://127.0.0.1:{redirect}/api/v1/roster?since=x"))
        .header(reqwest::header::HOST, format!("{HOST}:{redirect}"))
        .send()
        .await
        .expect("HTTP request");

    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.version(), Version::HTTP_2);
    assert_eq!(
        health.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    assert_eq!(served_certificate(&client, port).await, first.der);
    assert_eq!(plain.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        plain.headers()["location"],
        format!("https://{HOST}:{port}/api/v1/roster?since=x").as_str()
    );
    assert!(health.text().await.unwrap().starts_with("ok anju "));
    let login = client
        .post(format!("https://{HOST}:{port}/api/v1/session"))
        .json(&serde_json::json!({ "username": "surveyor", "password": "demo" }))
        .send()
        .await
        .expect("login");
    let cookie = login.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.ends_with("; Secure"), "{cookie}");

    install(&renewed, dir.path());
    let deadline = Instant::now() + Duration::from_secs(30);
    while served_certificate(&client, port).await != renewed.der {
        assert!(
            Instant::now() < deadline,
            "the renewed certificate is served"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
