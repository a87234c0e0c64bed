// Starts the app. A file of its own, so that the Content-Security-Policy
// allows no inline script.
import init from "./@JS@";
init({ module_or_path: "/assets/@WASM@" });
// Where the browser has service workers, the shell is kept for offline use.
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});
