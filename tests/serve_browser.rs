//! The self-check page end to end in real headless Chromium (Debian's `chromium` and
//! `chromium-driver`), driven over WebDriver: fill in the form for a sample and submit; upload
//! a filing file; the same without JavaScript.
//!
//! Ignored by a plain `cargo test` (a fresh machine has no browser); `.ci/run` installs
//! Chromium and runs them with `--ignored`, where a missing browser is a failure.
//! `WAGECHECK_SCREENSHOTS=DIR` saves PNGs of the pages into DIR.
#![cfg(feature = "serve")]

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use wagecheck::serve::Config;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver on a free loopback port, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn driver() -> Driver {
    assert!(
        std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists(),
        "the browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
    );
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let d = Driver {
        child,
        port,
        _profile: tempfile::tempdir().unwrap(),
    };
    // Ready when it accepts connections (it takes a moment to start).
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not start");
}

async fn browser(d: &Driver, javascript: bool) -> Client {
    let profile = d
        ._profile
        .path()
        .join(if javascript { "js" } else { "nojs" });
    let mut prefs = serde_json::Map::new();
    if !javascript {
        prefs.insert(
            "profile.managed_default_content_settings.javascript".into(),
            serde_json::json!(2),
        );
    }
    let caps = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-dev-shm-usage",
                format!("--user-data-dir={}", profile.display()),
                "--window-size=1280,1600", "--lang=zh-CN",
            ],
            "prefs": prefs,
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", d.port))
        .await
        .expect("a Chromium session")
}

/// The server on a free loopback port, stopped when the sender is dropped.
async fn server() -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let server = wagecheck::serve::start(Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        today: chrono::NaiveDate::from_ymd_opt(2025, 1, 1),
        ..Config::default()
    })
    .await
    .unwrap();
    let addr = server.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = rx.await;
    }));
    (addr, tx)
}

/// A sample as (field name, value) pairs the way the form names them.
fn form_of(sample: &str) -> Vec<(String, String)> {
    let doc: toml::Table = toml::from_str(&std::fs::read_to_string(sample).unwrap()).unwrap();
    fn scalar(v: &toml::Value) -> String {
        match v {
            toml::Value::String(s) => s.clone(),
            toml::Value::Array(a) => a.iter().map(scalar).collect::<Vec<_>>().join(";"),
            other => other.to_string().replace('_', ""),
        }
    }
    let mut out = Vec::new();
    for (k, v) in &doc {
        match v {
            toml::Value::Table(t) => {
                for (f, x) in t {
                    out.push((format!("{k}.{f}"), scalar(x)));
                }
            }
            toml::Value::Array(items) if items.iter().all(|i| i.is_table()) => {
                for (n, item) in items.iter().enumerate() {
                    for (f, x) in item.as_table().unwrap() {
                        out.push((format!("{k}.{}.{f}", n + 1), scalar(x)));
                    }
                }
            }
            other if k != "schema" => out.push((k.clone(), scalar(other))),
            _ => {}
        }
    }
    out
}

/// The API's largest allowed total for a sample, as the page groups it.
fn expected_total(sample: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .args(["check", "--format", "json", sample])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = v["cap"]["max_wage_total"].as_str().unwrap().to_string();
    let (int, frac) = s.split_once('.').unwrap();
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped}.{frac}")
}

async fn fill(c: &Client, pairs: &[(String, String)]) {
    for (name, value) in pairs {
        let el = c
            .find(Locator::Css(&format!("#filing [name='{name}']")))
            .await
            .unwrap_or_else(|e| panic!("no field {name}: {e}"));
        if el.tag_name().await.unwrap() == "select" {
            el.select_by_value(value)
                .await
                .unwrap_or_else(|e| panic!("{name} = {value}: {e}"));
        } else {
            el.clear().await.unwrap();
            el.send_keys(value).await.unwrap();
        }
    }
}

async fn screenshot(c: &Client, name: &str) {
    if let Ok(dir) = std::env::var("WAGECHECK_SCREENSHOTS") {
        let png = c.screenshot().await.unwrap();
        std::fs::write(std::path::Path::new(&dir).join(name), png).unwrap();
    }
}

async fn verdict_and_total(c: &Client) -> (String, String) {
    let v = c
        .wait()
        .for_element(Locator::Css("#verdict"))
        .await
        .unwrap();
    let verdict = v.attr("data-verdict").await.unwrap().unwrap();
    let total = c
        .find(Locator::Css("[data-figure='max-total']"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (verdict, total)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium"]
async fn the_form_filled_in_a_browser_gives_the_report() {
    let d = driver().await;
    let (addr, _stop) = server().await;
    let c = browser(&d, true).await;
    c.goto(&format!("http://{addr}/")).await.unwrap();
    assert_eq!(c.title().await.unwrap(), "工资总额预算自查 · wagecheck");
    screenshot(&c, "form.png").await;

    // The script adds a row in place (no round trip) and removes it again.
    let add = c
        .find(Locator::Css("button[value='add:indicator']"))
        .await
        .unwrap();
    add.click().await.unwrap();
    c.find(Locator::Css("[name='indicator.3.id']"))
        .await
        .unwrap();
    c.find(Locator::Css("button[value='remove:indicator.3']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(
        c.find(Locator::Css("[name='indicator.3.id']"))
            .await
            .is_err()
    );

    let sample = "samples/02-over-cap.toml";
    fill(&c, &form_of(sample)).await;
    // The live hint reads an amount back in 万元.
    let hint = c
        .find(Locator::Css("#s-budget .hint"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(hint.contains("万元"), "{hint}");
    c.find(Locator::Id("submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let (verdict, total) = verdict_and_total(&c).await;
    assert_eq!(verdict, "fail");
    assert!(total.contains(&expected_total(sample)), "{total}");
    screenshot(&c, "result.png").await;

    // The switch checks the same values again, in English.
    c.find(Locator::Css("header .switch"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("html[lang='en'] #verdict"))
        .await
        .unwrap();
    let (verdict, total) = verdict_and_total(&c).await;
    assert_eq!(verdict, "fail");
    assert!(total.contains(&expected_total(sample)), "{total}");
    assert!(total.ends_with("yuan"), "{total}");

    // The English switch.
    c.goto(&format!("http://{addr}/?lang=en")).await.unwrap();
    let h = c
        .find(Locator::Css("#filing h2"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h, "Fill in the form");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium"]
async fn an_uploaded_filing_gives_the_report() {
    let d = driver().await;
    let (addr, _stop) = server().await;
    let c = browser(&d, true).await;
    c.goto(&format!("http://{addr}/")).await.unwrap();
    // A TOML filing, then the Excel form filled in with another sample (written here with
    // rust_xlsxwriter, as `init --format xlsx` writes it).
    let dir = tempfile::tempdir().unwrap();
    let over = "samples/02-over-cap.toml";
    let xlsx = dir.path().join("02-over-cap.xlsx");
    let tree =
        wagecheck::input::parse_toml("s.toml", &std::fs::read_to_string(over).unwrap()).unwrap();
    let mut values = Vec::new();
    wagecheck::filing::form::flatten("", &tree, &mut values);
    let pack = wagecheck::Registry::new().select("benxi", 2024).unwrap();
    let bytes = wagecheck::filing::form::filled(&values, wagecheck::Lang::Zh, Some(&pack)).unwrap();
    std::fs::write(&xlsx, bytes).unwrap();
    let toml = "samples/01-pass-competitive.toml";
    for (sample, path, want) in [
        (toml, std::fs::canonicalize(toml).unwrap(), "pass"),
        (over, xlsx, "fail"),
    ] {
        c.goto(&format!("http://{addr}/")).await.unwrap();
        c.find(Locator::Id("file"))
            .await
            .unwrap()
            .send_keys(&path.display().to_string())
            .await
            .unwrap();
        c.find(Locator::Id("upload-submit"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let (verdict, total) = verdict_and_total(&c).await;
        assert_eq!(verdict, want, "{}", path.display());
        assert!(total.contains(&expected_total(sample)), "{total}");
    }
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium"]
async fn the_page_works_without_javascript() {
    let d = driver().await;
    let (addr, _stop) = server().await;
    let c = browser(&d, false).await;
    c.goto(&format!("http://{addr}/")).await.unwrap();
    // Without the script, "add a row" posts the form and the server adds the row.
    c.find(Locator::Css("button[value='add:indicator']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("[name='indicator.3.id']"))
        .await
        .unwrap();
    let sample = "samples/03-restricted-70.toml";
    fill(&c, &form_of(sample)).await;
    c.find(Locator::Id("submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let (verdict, total) = verdict_and_total(&c).await;
    assert_eq!(verdict, "fail");
    assert!(total.contains(&expected_total(sample)), "{total}");
    c.close().await.unwrap();
}
