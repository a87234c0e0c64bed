//! The place tree: a roster file's upper levels (city, county, township,
//! area, grids above grids) build it, found again by code or by name at
//! the next import; each caller reads the part that holds their grids; and
//! a database of the schema before the tree upgrades with every ledger and
//! account kept.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};
use server::calendar::Calendar;
use server::settings::Settings;
use shared::merge::{HouseholdLedger, MemberLedger, merge_household};
use shared::place::{HouseholdCode, PersonId};
use shared::record::LabourRecord;
use shared::resident_id::{ResidentId, check_char};
use shared::round::Round;
use sqlx::Executor;
use sqlx::migrate::Migrator;

use crate::helpers::{ROUND, fresh_database, in_roster, row_errors, serve, spawn_app};

/// `places` by code: (level, name, parent).
fn tree(list: &Value) -> BTreeMap<String, (String, String, Option<String>)> {
    list["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_owned(),
                (
                    p["level"].as_str().unwrap().to_owned(),
                    p["name"].as_str().unwrap().to_owned(),
                    p["parent"].as_str().map(str::to_owned),
                ),
            )
        })
        .collect()
}

/// The chain of names from `code` up to the top.
fn path(tree: &BTreeMap<String, (String, String, Option<String>)>, code: &str) -> Vec<String> {
    let mut res = Vec::new();
    let mut at = Some(code.to_owned());
    while let Some(code) = at {
        let (_, name, parent) = &tree[&code];
        res.push(name.clone());
        at = parent.clone();
    }
    res
}

fn id(seq: u32) -> String {
    let mut raw = format!("11010519850312{seq:03}").into_bytes();
    raw.push(check_char(&raw));
    String::from_utf8(raw).unwrap()
}

const HEADER: &str = "户编号,市(州),市(州)代码,县(市、区),乡镇(街道),安置区,一级网格,一级网格编号,网格编号,网格,楼栋,楼层,房号,人员编号,姓名,公民身份号码";

/// A county of two townships, each with an area that has a 1号楼: the
/// first area's grid lies under a first-level grid, the second's directly
/// under its area.
fn county_file() -> String {
    format!(
        "{HEADER}\r\n\
         YG-1,吕梁市,141100000000,石楼县,灵泉镇,阳光社区,一网格,YG,YG-1-1,一网格一组,1号楼,1,101,YG-1-P1,王大山,{}\r\n\
         HP-1,吕梁市,141100000000,石楼县,罗村镇,和平社区,,,HP-1-1,和平一组,1号楼,1,101,HP-1-P1,李小花,{}\r\n",
        id(11),
        id(22),
    )
}

#[tokio::test]
async fn each_caller_reads_the_tree_that_holds_their_grids() {
    let app = spawn_app().await;
    app.login_as("admin").await;
    let all = tree(&app.get_ok("/api/v1/places").await);
    assert_eq!(
        path(&all, "G1"),
        [
            "第一网格",
            "宁武县幸福家园安置区",
            "凤凰镇",
            "宁武县",
            "忻州市"
        ]
    );
    assert_eq!(all["G2"].2.as_deref(), Some("XFJY"));
    assert_eq!(all["140925000000"].0, "county");

    app.login_as("surveyor").await;
    let mine = tree(&app.get_ok("/api/v1/places").await);
    assert!(mine.contains_key("G1") && mine.contains_key("140900000000"));
    assert!(!mine.contains_key("G2"), "another team's grid: {mine:?}");
}

#[tokio::test]
async fn a_roster_file_builds_the_tree_and_the_same_file_again_changes_nothing() {
    let app = spawn_app().await;
    app.login_as("admin").await;

    let res = app.import_csv(&county_file(), "").await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: Value = res.json().await.unwrap();
    // City, county, two townships, two areas and one first-level grid.
    assert_eq!(report["places"]["added"], 7, "{report}");
    assert_eq!(report["grids"]["added"], 2);

    let all = tree(&app.get_ok("/api/v1/places").await);
    assert_eq!(
        path(&all, "YG-1-1"),
        [
            "一网格一组",
            "一网格",
            "阳光社区",
            "灵泉镇",
            "石楼县",
            "吕梁市"
        ]
    );
    assert_eq!(
        path(&all, "HP-1-1"),
        ["和平一组", "和平社区", "罗村镇", "石楼县", "吕梁市"]
    );
    assert_eq!(all["YG"].0, "grid");
    let area = all["YG-1-1"].2.clone().unwrap();
    let area = all["YG"].2.clone().unwrap_or(area);
    assert!(area.starts_with("area-"), "a made code: {area}");
    // Each area keeps its own 1号楼.
    let roster = app.roster().await;
    let (yg, hp) = (
        in_roster(&roster, "YG-1").unwrap(),
        in_roster(&roster, "HP-1").unwrap(),
    );
    assert_eq!(
        (&yg["building"], &hp["building"]),
        (&json!("1号楼"), &json!("1号楼"))
    );
    assert_eq!(
        (&yg["grid"], &hp["grid"]),
        (&json!("YG-1-1"), &json!("HP-1-1"))
    );

    let again: Value = app
        .import_csv(&county_file(), "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["places"]["unchanged"], 7, "{again}");
    assert_eq!(again["places"]["added"], 0);
    assert_eq!(tree(&app.get_ok("/api/v1/places").await), all);

    // A later file may name a place by its code alone, and rename it.
    let renamed = "户编号,市(州),市(州)代码,网格编号,楼栋,楼层,房号,人员编号,姓名\r\n\
         YG-1,吕梁市(新),141100000000,YG-1-1,1号楼,1,101,YG-1-P1,王大山\r\n";
    let res: Value = app.import_csv(renamed, "").await.json().await.unwrap();
    assert_eq!(res["places"]["updated"], 1, "{res}");
    let all = tree(&app.get_ok("/api/v1/places").await);
    assert_eq!(all["141100000000"].1, "吕梁市(新)");
    assert_eq!(path(&all, "YG-1-1").len(), 6, "the rest of the tree stays");
}

#[tokio::test]
async fn places_the_file_gets_wrong_are_refused_by_row_and_column() {
    let app = spawn_app().await;
    app.login_as("admin").await;

    // The demo county's code given as an area's.
    let taken = "户编号,安置区,安置区代码,网格编号,网格,楼栋,楼层,房号,人员编号,姓名\r\n\
         N-1,新区,140925000000,N1,新一组,1号楼,1,101,N-1-P1,赵一\r\n";
    let res = app.import_csv(taken, "").await;
    assert_eq!(
        row_errors(res).await,
        [(2, "安置区代码".to_owned(), "place_code_taken".to_owned())]
    );

    // One first-level grid given two names on two grids' rows.
    let disagree = "户编号,安置区,一级网格,一级网格编号,网格编号,网格,楼栋,楼层,房号,人员编号,姓名\r\n\
         N-1,新区,东片,DP,N1,新一组,1号楼,1,101,N-1-P1,赵一\r\n\
         N-2,新区,西片,DP,N2,新二组,2号楼,1,101,N-2-P1,钱二\r\n";
    let res = app.import_csv(disagree, "").await;
    assert_eq!(
        row_errors(res).await,
        [(3, "一级网格".to_owned(), "place_disagrees".to_owned())]
    );

    // Two areas of one name in two townships; then a file that names
    // that area alone cannot say which.
    let twins = "户编号,乡镇(街道),安置区,网格编号,网格,楼栋,楼层,房号,人员编号,姓名\r\n\
         T-1,东镇,和平社区,T1,东和平一组,1号楼,1,101,T-1-P1,孙三\r\n\
         W-1,西镇,和平社区,W1,西和平一组,1号楼,1,101,W-1-P1,周四\r\n";
    assert_eq!(app.import_csv(twins, "").await.status(), StatusCode::OK);
    let alone = "户编号,安置区,网格编号,网格,楼栋,楼层,房号,人员编号,姓名\r\n\
         Z-1,和平社区,Z1,和平三组,1号楼,1,101,Z-1-P1,吴五\r\n";
    let res = app.import_csv(alone, "").await;
    assert_eq!(
        row_errors(res).await,
        [(2, "安置区".to_owned(), "place_ambiguous".to_owned())]
    );
}

/// The schema as migration `version` left it.
fn migrations_to(mut migrator: Migrator, version: i64) -> Migrator {
    let kept: Vec<_> = (migrator.migrations.iter())
        .filter(|m| m.version <= version)
        .cloned()
        .collect();
    migrator.migrations = kept.into();
    migrator
}

#[tokio::test]
async fn a_database_from_before_the_tree_upgrades_with_everything_kept() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(&dir).await;
    let round = Round::parse(ROUND).unwrap();
    let code = HouseholdCode::parse("OLD-1").unwrap();
    let member = MemberLedger {
        record: LabourRecord {
            name: Some("老住户".into()),
            resident_id: Some(ResidentId::parse(&id(33)).unwrap()),
            ..LabourRecord::default()
        },
        ..MemberLedger::new(PersonId::parse("OLD-1-1").unwrap())
    };
    let ledger = HouseholdLedger {
        members: vec![member],
        ..merge_household(&code, round, None, &[])
    };
    let ledger = serde_json::to_string(&ledger).unwrap();
    let hash = server::http::auth::hash_password("old-password-1");
    // A grid, a household with its ledger, and an account, as the schema
    // before the tree held them.
    let rows = [
        "INSERT INTO grids (code, name, area) VALUES ('OLD-G', '老网格', '老安置区')".to_owned(),
        "INSERT INTO households (code, grid, building, floor, room, changed_at) \
         VALUES ('OLD-1', 'OLD-G', '1号楼', 1, '101', '2026-10-01T00:00:00Z')"
            .to_owned(),
        format!(
            "INSERT INTO ledgers (household, round, surveyed, body) VALUES ('OLD-1', '{round}', FALSE, '{ledger}')"
        ),
        format!(
            "INSERT INTO users (username, display_name, password_hash, role) \
             VALUES ('old.admin', '老管理员', '{hash}', 'admin')"
        ),
        format!(
            "INSERT INTO users (username, display_name, password_hash, role, grid) \
             VALUES ('old.team', '老工作队', '{hash}', 'surveyor', 'OLD-G')"
        ),
        format!(
            "INSERT INTO users (username, display_name, password_hash, role, area) \
             VALUES ('old.area', '老督导', '{hash}', 'supervisor', '老安置区')"
        ),
    ];
    if url.starts_with("sqlite") {
        let options: sqlx::sqlite::SqliteConnectOptions = url.parse().unwrap();
        let pool = sqlx::SqlitePool::connect_with(options.create_if_missing(true))
            .await
            .unwrap();
        let before = migrations_to(sqlx::migrate!("migrations/sqlite"), 11);
        before.run(&pool).await.unwrap();
        for row in &rows {
            pool.execute(row.as_str()).await.unwrap();
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        let before = migrations_to(sqlx::migrate!("migrations/postgres"), 11);
        before.run(&pool).await.unwrap();
        for row in &rows {
            pool.execute(row.as_str()).await.unwrap();
        }
        pool.close().await;
    }

    let settings = Settings {
        round: Some(round),
        ..Settings::local(url)
    };
    let app = serve(settings, Calendar::system_clock(), dir).await;
    assert_eq!(
        app.login("old.admin", "old-password-1").await.status(),
        StatusCode::OK
    );
    let all = tree(&app.get_ok("/api/v1/places").await);
    assert_eq!(path(&all, "OLD-G"), ["老网格", "老安置区"]);
    let area = all["OLD-G"].2.clone().unwrap();
    assert_eq!(all[&area].0, "area");
    // The grid and area accounts had become their places.
    for (username, workplace) in [("old.team", "OLD-G"), ("old.area", area.as_str())] {
        let login: serde_json::Value = app
            .login(username, "old-password-1")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            login["session"]["workplace"]["code"], workplace,
            "{username}"
        );
        assert!(
            in_roster(&app.roster().await, "OLD-1").is_some(),
            "{username}"
        );
    }
    app.login("old.admin", "old-password-1").await;
    // Its figures are computed from the ledger it had.
    let summary = app.get_ok("/api/v1/summary").await;
    assert_eq!(summary["total"]["households"], 1);
    assert_eq!(summary["children"][0]["name"], "老安置区");
    let household = app.get_ok("/api/v1/households/OLD-1").await;
    assert_eq!(household["household"], "OLD-1");
    assert_eq!(household["round"], ROUND);
    assert_eq!(
        in_roster(&app.roster().await, "OLD-1").unwrap()["grid"],
        "OLD-G"
    );
    // Its member's number is known to the next import.
    let file = format!(
        "户编号,安置区,网格编号,网格,楼栋,楼层,房号,人员编号,姓名,公民身份号码\r\n\
         NEW-1,新区,NEW-G,新网格,1号楼,1,101,NEW-1-1,新住户,{}\r\n",
        id(33)
    );
    let res = app.import_csv(&file, "").await;
    assert_eq!(
        row_errors(res).await,
        [(2, "公民身份号码".to_owned(), "duplicate_id".to_owned())]
    );
}

#[tokio::test]
async fn a_generated_county_imports_file_by_file_and_again_changes_nothing() {
    use server::demo::generate::{Size, generate};
    let dir = tempfile::tempdir().unwrap();
    let round = Round::parse(ROUND).unwrap();
    let made = generate(Size::Sample, 7, round, dir.path()).unwrap();
    assert_eq!(made.households, 4_000);
    // The same seed, the same files.
    let again = tempfile::tempdir().unwrap();
    let remade = generate(Size::Sample, 7, round, again.path()).unwrap();
    assert_eq!(made.files.len(), remade.files.len());
    for (one, other) in made.files.iter().zip(&remade.files) {
        assert!(std::fs::read(one).unwrap() == std::fs::read(other).unwrap());
    }
    let app = spawn_app().await;
    app.login_as("admin").await;

    let (mut households, mut members) = (0, 0);
    for file in &made.files {
        let csv = std::fs::read_to_string(file).unwrap();
        let res = app.import_csv(&csv, "").await;
        let status = res.status();
        let report: Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{}", file.display());
        households += report["households"]["added"].as_u64().unwrap();
        members += report["members"]["added"].as_u64().unwrap();
    }
    assert_eq!(households, 4_000);
    assert_eq!(members, made.people as u64);
    let all = tree(&app.get_ok("/api/v1/places").await);
    // The demo's own six places, and every generated one.
    assert_eq!(all.len(), 6 + made.places);

    let first = std::fs::read_to_string(&made.files[0]).unwrap();
    let report: Value = app.import_csv(&first, "").await.json().await.unwrap();
    assert_eq!(report["households"]["added"], 0, "{report}");
    assert_eq!(report["households"]["updated"], 0);
    assert_eq!(report["places"]["added"], 0);
}
