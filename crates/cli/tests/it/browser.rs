//! The reports in a real browser: `palett run scenarios/ --report`, then
//! every page opened in headless Chromium through the DevTools protocol.
//! Checked per page: it loads with no console error, no uncaught
//! exception and no network request, within a second; every chart drew
//! the series the results call for (a non-empty box per series); the HTML
//! parses without errors; a screenshot is saved under the target folder.
//!
//! Chromium is needed (Debian package `chromium`; `cargo xtask ci`
//! installs it). Without it this test fails and says what to install: it
//! never passes silently. PALETT_CHROMIUM names another binary.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

use super::support::{Scratch, palett, text};

/// The browser binary: PALETT_CHROMIUM, else the first of the usual names on PATH.
fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("PALETT_CHROMIUM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "the report's browser test needs Chromium: install the Debian package `chromium` \
         (apt-get install chromium; `cargo xtask ci` does this when it is missing) \
         or set PALETT_CHROMIUM to a Chromium binary"
    );
}

/// A headless Chromium and one page of it, driven over the DevTools protocol.
struct Browser {
    child: Child,
    ws: WebSocket<TcpStream>,
    session: String,
    next_id: u64,
    /// Events received while waiting for replies.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn start() -> Browser {
        let profile = tempfile::tempdir().expect("a profile folder");
        let mut child = Command::new(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--window-size=1100,1400",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("Chromium starts");
        // Chromium prints the browser's DevTools address on stderr.
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.split("DevTools listening on ").nth(1) {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("Chromium prints its DevTools address within a minute");
        let host = url
            .trim_start_matches("ws://")
            .split('/')
            .next()
            .expect("host:port")
            .to_string();
        let stream = TcpStream::connect(&host).expect("connect to DevTools");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let (ws, _) = tungstenite::client(url.as_str(), stream).expect("WebSocket handshake");
        let mut b = Browser {
            child,
            ws,
            session: String::new(),
            next_id: 1,
            events: Vec::new(),
            _profile: profile,
        };
        let target = b.call_browser("Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().expect("targetId").to_string();
        let attached = b.call_browser(
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        b.session = attached["sessionId"]
            .as_str()
            .expect("sessionId")
            .to_string();
        for domain in [
            "Page.enable",
            "Runtime.enable",
            "Log.enable",
            "Network.enable",
        ] {
            b.call(domain, json!({}));
        }
        b
    }

    fn send(&mut self, method: &str, params: Value, session: bool) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if session {
            msg["sessionId"] = json!(self.session);
        }
        self.ws
            .send(Message::text(msg.to_string()))
            .expect("send to Chromium");
        id
    }

    fn read(&mut self) -> Value {
        loop {
            let msg = match self.ws.read() {
                Ok(msg) => msg,
                // A signal (e.g. a child process of the test binary ending)
                // can interrupt the blocking read; nothing was lost, read again.
                Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
                    continue;
                }
                Err(e) => panic!("a message from Chromium: {e:?}"),
            };
            match msg {
                Message::Text(t) => return serde_json::from_str(t.as_str()).expect("JSON"),
                Message::Close(_) => panic!("Chromium closed the connection"),
                _ => {}
            }
        }
    }

    fn wait_reply(&mut self, id: u64, method: &str) -> Value {
        loop {
            let v = self.read();
            if v["id"].as_u64() == Some(id) {
                assert!(v.get("error").is_none(), "{method}: {}", v["error"]);
                return v["result"].clone();
            }
            self.events.push(v);
        }
    }

    fn call_browser(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(method, params, false);
        self.wait_reply(id, method)
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(method, params, true);
        self.wait_reply(id, method)
    }

    /// Opens `url` and waits for its load event; returns the events seen
    /// from the navigation on.
    fn open(&mut self, url: &str) -> Vec<Value> {
        self.events.clear();
        self.call("Page.navigate", json!({"url": url}));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if self
                .events
                .iter()
                .any(|e| e["method"] == "Page.loadEventFired")
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{url}: no load event within 30 s"
            );
            let v = self.read();
            self.events.push(v);
        }
        // Let late console messages and requests arrive.
        let id = self.send("Runtime.evaluate", json!({"expression": "1"}), true);
        self.wait_reply(id, "Runtime.evaluate");
        std::mem::take(&mut self.events)
    }

    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "returnByValue": true}),
        );
        assert!(r.get("exceptionDetails").is_none(), "{js}: {r}");
        r["result"]["value"].clone()
    }
}

/// The series each chart of a scenario's page should draw, from its
/// summary.json and, when there is one, its sensitivity.json.
fn expected_series(summary: &Value, sensitivity: Option<&Value>) -> Vec<(String, usize)> {
    let mixes = summary["mixes"].as_array().cloned().unwrap_or_default();
    let alternatives: Vec<&Value> = mixes.iter().filter(|m| m["name"] != "do_nothing").collect();
    let mut want = vec![("do-nothing".to_string(), 1)];
    if !alternatives.is_empty() {
        want.push(("npv".into(), alternatives.len()));
        want.push(("fan-net".into(), alternatives.len()));
        let tipping = alternatives
            .iter()
            .filter(|m| !m["tipping_year"]["p5"].is_null())
            .count();
        want.push(("tipping".into(), tipping));
    }
    for m in &alternatives {
        let name = m["name"].as_str().unwrap_or_default();
        want.push((format!("actors-{name}"), 3));
    }
    if let Some(s) = sensitivity {
        // The analysis: one series of bars per ranking, one line per mix
        // over the discount rate (do-nothing has no P(NPV > 0) line).
        let best = alternatives
            .iter()
            .max_by(|a, b| {
                let m = |m: &Value| m["npv"]["mean"].as_f64().unwrap_or(f64::MIN);
                m(a).total_cmp(&m(b))
            })
            .and_then(|m| m["name"].as_str())
            .unwrap_or_default();
        let any = |list: &Value, field: &str| {
            list.as_array()
                .is_some_and(|l| l.iter().any(|i| i[field].is_number()))
        };
        if any(&s["sensitivity"][best]["npv"]["total"], "first_order") {
            want.push(("drivers-npv".into(), 1));
        }
        if any(
            &s["sensitivity"][best]["lead_over_runner_up"],
            "first_order",
        ) {
            want.push(("drivers-lead".into(), 1));
        }
        if any(&s["value_of_information"]["total"]["evppi"], "value") {
            want.push(("evppi".into(), 1));
        }
        if let Some(total) = s["acceptability"]["by_key"]["total"].as_object() {
            want.push(("acceptability-best".into(), total.len()));
            let positive = total.keys().filter(|k| *k != "do_nothing").count();
            want.push(("acceptability-positive".into(), positive));
        }
    }
    want
}

/// Decodes standard base64 (the screenshot).
fn base64(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// What a page's charts drew: per chart its id, declared series and the
/// series with a non-empty bounding box.
const CHARTS_JS: &str = "JSON.stringify([...document.querySelectorAll('svg.chart')].map(s => ({\
    id: s.id.replace(/^chart-/, ''),\
    declared: +s.dataset.series,\
    drawn: [...s.querySelectorAll('g.series')].filter(g => { const b = g.getBBox(); return b.width > 0 || b.height > 0; }).length,\
    series: s.querySelectorAll('g.series').length })))";

/// The result files a page is checked against: summary.json and sensitivity.json.
type Results = (Value, Option<Value>);

fn check_page(
    b: &mut Browser,
    page: &Path,
    results: Option<&Results>,
    shots: &Path,
) -> Vec<String> {
    let mut problems = Vec::new();
    let url = format!("file://{}", page.display());
    let started = Instant::now();
    let events = b.open(&url);
    let wall = started.elapsed();
    for e in &events {
        let m = e["method"].as_str().unwrap_or_default();
        let p = &e["params"];
        match m {
            "Runtime.consoleAPICalled" if p["type"] == "error" || p["type"] == "warning" => {
                problems.push(format!(
                    "console {}: {}",
                    p["type"].as_str().unwrap_or_default(),
                    p["args"]
                ))
            }
            "Runtime.exceptionThrown" => {
                problems.push(format!("exception: {}", p["exceptionDetails"]))
            }
            "Log.entryAdded" if p["entry"]["level"] == "error" => {
                problems.push(format!("log error: {}", p["entry"]["text"]))
            }
            "Network.requestWillBeSent" => {
                let r = p["request"]["url"].as_str().unwrap_or_default();
                if r != url {
                    problems.push(format!("network request: {r}"));
                }
            }
            _ => {}
        }
    }
    let load_ms = b
        .eval("performance.getEntriesByType('navigation')[0].loadEventEnd")
        .as_f64()
        .unwrap_or(f64::INFINITY);
    if load_ms > 1000.0 {
        problems.push(format!("load took {load_ms:.0} ms (wall {wall:?})"));
    }
    let charts: Vec<Value> =
        serde_json::from_str(b.eval(CHARTS_JS).as_str().unwrap_or("[]")).expect("chart list");
    for c in &charts {
        let (declared, drawn, series) = (
            c["declared"].as_u64().unwrap_or(0),
            c["drawn"].as_u64().unwrap_or(0),
            c["series"].as_u64().unwrap_or(0),
        );
        if declared != series || series != drawn {
            problems.push(format!(
                "chart {}: declares {declared} series, has {series}, drew {drawn}",
                c["id"]
            ));
        }
    }
    if let Some((summary, sensitivity)) = results {
        for (id, want) in expected_series(summary, sensitivity.as_ref()) {
            match charts.iter().find(|c| c["id"] == id.as_str()) {
                Some(c) if c["drawn"].as_u64() == Some(want as u64) => {}
                Some(c) => problems.push(format!(
                    "chart {id}: drew {} series, want {want}",
                    c["drawn"]
                )),
                None => problems.push(format!("chart {id} missing")),
            }
        }
    }
    let height = b
        .eval("document.documentElement.scrollHeight")
        .as_f64()
        .unwrap_or(1400.0);
    let shot = b.call(
        "Page.captureScreenshot",
        json!({"format": "png", "captureBeyondViewport": true,
               "clip": {"x": 0, "y": 0, "width": 1100, "height": height.min(16000.0), "scale": 0.5}}),
    );
    let png = base64(shot["data"].as_str().unwrap_or_default());
    if png.get(1..4) != Some(b"PNG".as_slice()) {
        problems.push("no screenshot".into());
    }
    let name = page
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "index".into());
    let name = if page.ends_with("index.html") {
        "index".to_string()
    } else {
        name
    };
    std::fs::write(shots.join(format!("{name}.png")), &png).expect("save screenshot");
    problems
        .into_iter()
        .map(|p| format!("{}: {p}", page.display()))
        .collect()
}

#[test]
fn every_shipped_scenario_report_opens_in_headless_chromium() {
    let scratch = Scratch::new();
    let out = scratch.dir.path().join("results");
    let o = palett(&[
        "run",
        "scenarios/",
        "--samples",
        "200",
        "--quiet",
        "--report",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(
        matches!(o.status.code(), Some(0) | Some(1)),
        "palett run --report: {}",
        text(&o).1
    );
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot folder");
    let mut pages: Vec<(PathBuf, Option<Results>)> = Vec::new();
    for e in std::fs::read_dir(&out).expect("results").flatten() {
        let dir = e.path();
        let Ok(summary) = std::fs::read_to_string(dir.join("summary.json")) else {
            continue;
        };
        let summary: Value = serde_json::from_str(&summary).expect("summary.json");
        let sensitivity = std::fs::read_to_string(dir.join("sensitivity.json"))
            .ok()
            .map(|t| serde_json::from_str::<Value>(&t).expect("sensitivity.json"));
        pages.push((dir.join("report.html"), Some((summary, sensitivity))));
    }
    assert!(
        pages.len() >= 4,
        "reports of the shipped scenarios: {pages:?}"
    );
    pages.push((out.join("index.html"), None));
    // kommun-budget's choice is uncertain (EVPI well above zero): its
    // page shows the whole analysis section.
    let kommun = std::fs::read_to_string(out.join("kommun-budget/report.html")).expect("page");
    for id in [
        "drivers-npv",
        "drivers-lead",
        "evppi",
        "acceptability-best",
        "acceptability-positive",
    ] {
        assert!(
            kommun.contains(&format!("id=\"chart-{id}\"")),
            "kommun-budget: chart {id}"
        );
    }
    assert!(kommun.contains("<table class=\"voi\">"), "EVPI per actor");
    let mut problems = Vec::new();
    for (page, _) in &pages {
        let html = std::fs::read_to_string(page).expect("report page");
        let doc = scraper::Html::parse_document(&html);
        if !doc.errors.is_empty() {
            problems.push(format!("{}: HTML errors {:?}", page.display(), doc.errors));
        }
        if html.len() > 2_000_000 {
            problems.push(format!("{}: {} bytes", page.display(), html.len()));
        }
    }
    let mut browser = Browser::start();
    // The checks themselves: a page that logs an error, loads from
    // elsewhere and has a chart without its series must fail each of them.
    let bad = scratch.write(
        "bad/report.html",
        "<!DOCTYPE html><html><head><title>x</title></head><body>\
         <img src=\"http://127.0.0.1:9/x.png\" alt=\"\">\
         <script>console.error('boom')</script>\
         <svg class=\"chart\" id=\"chart-do-nothing\" data-series=\"1\"></svg></body></html>",
    );
    let caught = check_page(
        &mut browser,
        &bad,
        Some(&(json!({"mixes": []}), None)),
        &shots,
    )
    .join("\n");
    for want in [
        "console error",
        "network request: http://127.0.0.1:9/x.png",
        "chart \"do-nothing\": declares 1",
    ] {
        assert!(
            caught.contains(want),
            "the browser checks missed `{want}`:\n{caught}"
        );
    }
    for (page, summary) in &pages {
        problems.extend(check_page(&mut browser, page, summary.as_ref(), &shots));
    }
    assert!(
        problems.is_empty(),
        "the reports in Chromium:\n{}",
        problems.join("\n")
    );
    eprintln!("screenshots in {}", shots.display());
}
