//! `wagecheck serve`, in process: every endpoint and every error status through the router
//! (tower's `oneshot`), the API's reports against the command line's byte for byte, and 1,000
//! concurrent requests against a real listener.
#![cfg(feature = "serve")]

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use wagecheck::serve::{AppState, Config, router};

const TODAY: &str = "2025-01-01";

fn config() -> Config {
    Config {
        today: Some(chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap()),
        ..Config::default()
    }
}

fn app_with(config: Config) -> axum::Router {
    router(Arc::new(AppState::new(config).unwrap()))
}

fn app() -> axum::Router {
    app_with(config())
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }
}

async fn send_to(app: axum::Router, req: Request<Body>) -> Answer {
    let r = app.oneshot(req).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let body = r.into_body().collect().await.unwrap().to_bytes().to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

async fn post(uri: &str, content_type: &str, body: impl Into<Body>) -> Answer {
    let req = Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap();
    send_to(app(), req).await
}

async fn get(uri: &str) -> Answer {
    send_to(app(), Request::get(uri).body(Body::empty()).unwrap()).await
}

fn samples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir("samples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    assert!(v.len() >= 8);
    v
}

/// What the command line prints (stdout) for `args`, with the evaluation date pinned.
fn cli(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .args(args)
        .env("WAGECHECK_TODAY", TODAY)
        .output()
        .unwrap();
    out.stdout
}

/// A TOML document as JSON (dates as `YYYY-MM-DD` strings), for the same filing in JSON.
fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

#[tokio::test]
async fn each_sample_as_toml_is_what_check_prints() {
    for s in samples() {
        let name = s.display().to_string();
        for lang in ["zh", "en"] {
            let expected = cli(&["check", "--format", "json", "--lang", lang, &name]);
            let a = post(
                &format!("/api/v1/check?lang={lang}&source={name}"),
                "application/toml",
                std::fs::read(&s).unwrap(),
            )
            .await;
            assert_eq!(a.status, StatusCode::OK, "{name}: {}", a.text());
            assert_eq!(
                a.text(),
                String::from_utf8(expected).unwrap(),
                "{name} {lang}"
            );
        }
    }
}

#[tokio::test]
async fn each_sample_as_json_is_what_check_prints() {
    let dir = tempfile::tempdir().unwrap();
    for s in samples() {
        let doc: toml::Value = toml::from_str(&std::fs::read_to_string(&s).unwrap()).unwrap();
        let json = serde_json::to_string_pretty(&toml_to_json(&doc)).unwrap();
        let path = dir
            .path()
            .join(s.file_name().unwrap())
            .with_extension("json");
        std::fs::write(&path, &json).unwrap();
        let name = path.display().to_string();
        let expected = cli(&["check", "--format", "json", "--trace", &name]);
        let a = post(
            &format!("/api/v1/check?trace=true&source={name}"),
            "application/json",
            json,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{name}: {}", a.text());
        assert_eq!(a.text(), String::from_utf8(expected).unwrap(), "{name}");
    }
}

#[tokio::test]
async fn the_verdicts_and_amounts_are_the_samples() {
    let a = post(
        "/api/v1/check",
        "application/toml",
        std::fs::read("samples/01-pass-competitive.toml").unwrap(),
    )
    .await;
    let v = a.json();
    assert_eq!(v["verdict"], "pass");
    assert_eq!(v["cap"]["max_wage_total"], "12960000.00");
    assert_eq!(v["cap"]["binding_rule"], "linkage.growth_cap");
    assert_eq!(v["source"], "request.toml");
    assert_eq!(v["pack"]["receipt"]["evaluated_on"], TODAY);
    let a = post(
        "/api/v1/check",
        "application/toml; charset=utf-8",
        std::fs::read("samples/08-annual-return.toml").unwrap(),
    )
    .await;
    assert_eq!(a.json()["verdict"], "fail");
    assert!(a.json()["clearing"]["to_recover"].is_string());
}

#[tokio::test]
async fn an_invalid_filing_is_422_with_the_errors_check_prints() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("samples/01-pass-competitive.toml")
        .unwrap()
        .replace("wage_total = 12_600_000", "wage_totl = 12_600_000");
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, &text).unwrap();
    let name = path.display().to_string();
    for lang in ["zh", "en"] {
        let expected = cli(&["check", "--format", "json", "--lang", lang, &name]);
        let a = post(
            &format!("/api/v1/check?lang={lang}&source={name}"),
            "application/toml",
            text.clone(),
        )
        .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(a.text(), String::from_utf8(expected).unwrap());
        let v = a.json();
        assert_eq!(v["verdict"], "invalid");
        let e = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == "budget.wage_totl")
            .unwrap();
        assert_eq!(e["line"], 26);
        assert_eq!(e["column"], 1);
        if lang == "en" {
            assert!(e["message"].as_str().unwrap().contains("did you mean"));
        } else {
            assert!(e["message"].as_str().unwrap().contains("未知字段"));
        }
    }
}

#[tokio::test]
async fn no_pack_in_force_is_422() {
    let text = std::fs::read_to_string("samples/01-pass-competitive.toml")
        .unwrap()
        .replace("year = 2024", "year = 2015");
    let a = post("/api/v1/check?lang=en", "application/toml", text).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.json()["errors"][0]["field"], "budget.year");
}

#[tokio::test]
async fn a_pack_used_outside_its_dates_is_a_warning_beside_the_report() {
    let text = std::fs::read_to_string("samples/01-pass-competitive.toml")
        .unwrap()
        .replace("year = 2024", "year = 2015");
    let a = post("/api/v1/check?rules=benxi-2019", "application/toml", text).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["pack"]["id"], "benxi-2019");
    let w = a.headers["x-wagecheck-warning"].as_bytes();
    let w = std::str::from_utf8(w).unwrap();
    assert!(
        w.contains("benxi-2019 is not in force on 2015-01-01"),
        "{w}"
    );
}

#[tokio::test]
async fn an_unparseable_body_is_400_located() {
    let a = post(
        "/api/v1/check?lang=en",
        "application/json",
        "{\n  \"kind\": \"budget\",\n  oops\n}",
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let v = a.json();
    assert_eq!(v["schema"], "wagecheck/error/v1");
    assert_eq!(v["code"], "bad_request");
    assert_eq!(v["errors"][0]["file"], "request.json");
    assert_eq!(v["errors"][0]["line"], 3);
    let a = post("/api/v1/check", "application/toml", vec![0xff, 0xfe, 0x00]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.json()["message"].as_str().unwrap().contains("无法解析"));
    let a = post("/api/v1/check", "application/toml", "  \n").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_bad_query_is_400_in_the_language_asked() {
    let body = || std::fs::read("samples/01-pass-competitive.toml").unwrap();
    let a = post(
        "/api/v1/check?rules=nope&lang=en",
        "application/toml",
        body(),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.json()["message"].as_str().unwrap().contains("benxi-2019"));
    let a = post("/api/v1/check?lang=fr", "application/toml", body()).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()["code"], "bad_request");
    let a = post(
        "/api/v1/check?trace=maybe&lang=en",
        "application/toml",
        body(),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("bad query")
    );
    // A named pack that is loaded is used.
    let a = post(
        "/api/v1/check?rules=national-2018",
        "application/toml",
        body(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["pack"]["id"], "national-2018");
}

#[tokio::test]
async fn a_wrong_type_is_415() {
    let a = post("/api/v1/check?lang=en", "text/plain", "x").await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        a.json()["message"]
            .as_str()
            .unwrap()
            .contains("application/toml")
    );
    let a = post("/api/v1/check", "application/json; charset=gbk", "{}").await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let req = Request::post("/api/v1/check")
        .body(Body::from("x"))
        .unwrap();
    assert_eq!(
        send_to(app(), req).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    let a = post("/api/v1/batch", "application/json", "{}").await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn too_large_is_413() {
    let small = Config {
        max_body: 1024,
        ..config()
    };
    let body = std::fs::read("samples/01-pass-competitive.toml").unwrap();
    assert!(body.len() > 1024);
    // Declared too large.
    let req = Request::post("/api/v1/check?lang=en")
        .header(header::CONTENT_TYPE, "application/toml")
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body.clone()))
        .unwrap();
    let a = send_to(app_with(small.clone()), req).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(a.json()["message"].as_str().unwrap().contains("1024 bytes"));
    // Streamed without a length.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(100).map(|c| Ok(c.to_vec())).collect();
    let req = Request::post("/api/v1/check")
        .header(header::CONTENT_TYPE, "application/toml")
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    let a = send_to(app_with(small.clone()), req).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.json()["code"], "payload_too_large");
    let req = Request::post("/api/v1/batch")
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(vec![b'a'; 2048]))
        .unwrap();
    assert_eq!(
        send_to(app_with(small), req).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[tokio::test]
async fn a_slow_body_times_out_with_408() {
    let quick = Config {
        body_timeout: Duration::from_millis(50),
        ..config()
    };
    // A body whose first chunk arrives and whose end never does.
    let stream = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(b"kind = ".to_vec())])
        .chain(futures_util::stream::pending());
    let req = Request::post("/api/v1/check?lang=en")
        .header(header::CONTENT_TYPE, "application/toml")
        .body(Body::from_stream(stream))
        .unwrap();
    let a = send_to(app_with(quick), req).await;
    assert_eq!(a.status, StatusCode::REQUEST_TIMEOUT);
    assert_eq!(a.json()["code"], "timeout");
}

use futures_util::StreamExt as _;

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405() {
    let a = get("/api/v1/nothing?lang=en").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json()["message"], "no such resource");
    let a = get("/api/v1/packs/nope").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json()["code"], "not_found");
    let a = get("/nothing").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.text().contains("没有这个页面"));
    let a = get("/api/v1/check").await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(a.json()["code"], "method_not_allowed");
}

#[tokio::test]
async fn packs_schema_health_and_openapi() {
    let a = get("/api/v1/packs").await;
    assert_eq!(a.status, StatusCode::OK);
    let ids: Vec<String> = a
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["national-2018", "benxi-2019"]);
    assert_eq!(a.json()[1]["document"], "本政发〔2019〕5号");
    assert_eq!(a.json()[1]["chain"][0]["id"], "national-2018");

    let a = get("/api/v1/packs/benxi-2019?lang=en").await;
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert_eq!(v["id"], "benxi-2019");
    let rule = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "linkage.restricted_growth")
        .unwrap();
    assert!(rule["clause"].as_str().unwrap().starts_with("二(三)1"));
    assert!(v["params"].as_array().unwrap().len() > 3);

    let a = get("/api/v1/schema").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/schema+json");
    let s = a.json();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(
        s["properties"]["budget"]["properties"]["wage_total"]["x-title"]["zh"],
        "预算工资总额"
    );
    assert_eq!(
        s["properties"]["enterprise"]["properties"]["category"]["enum"][0],
        "competitive"
    );

    let a = get("/api/v1/healthz").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["status"], "ok");

    let a = get("/api/v1/openapi.json").await;
    let doc = a.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for p in [
        "/check",
        "/batch",
        "/packs",
        "/packs/{id}",
        "/schema",
        "/healthz",
    ] {
        assert!(doc["paths"][p].is_object(), "{p}");
    }
    let responses = &doc["paths"]["/check"]["post"]["responses"];
    for code in ["200", "400", "408", "413", "415", "422"] {
        assert!(responses[code].is_object(), "{code}");
    }
    assert_eq!(
        doc["paths"]["/check"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Filing"
    );
    assert!(doc["components"]["schemas"]["Filing"]["properties"]["budget"].is_object());
    // The example bodies are filings that pass.
    let content = &doc["paths"]["/check"]["post"]["requestBody"]["content"];
    let json = content["application/json"]["example"].to_string();
    let a = post("/api/v1/check", "application/json", json).await;
    assert_eq!(a.json()["verdict"], "pass");
    let toml = content["application/toml"]["example"]
        .as_str()
        .unwrap()
        .to_string();
    let a = post("/api/v1/check", "application/toml", toml).await;
    assert_eq!(a.json()["verdict"], "pass");
}

#[tokio::test]
async fn the_batch_streams_what_batch_jsonl_prints() {
    let name = "samples/batch-2024.csv";
    let expected = cli(&["batch", "--format", "jsonl", "--lang", "en", name]);
    let a = post(
        &format!("/api/v1/batch?lang=en&source={name}"),
        "text/csv",
        std::fs::read(name).unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/jsonl");
    assert_eq!(a.text().lines().count(), 60);
    assert_eq!(a.text(), String::from_utf8(expected).unwrap());
    // A file that is no CSV at all is one invalid entry, not an error status.
    let a = post("/api/v1/batch", "text/csv", "").await;
    assert_eq!(a.status, StatusCode::OK);
    let first: serde_json::Value = serde_json::from_str(a.text().lines().next().unwrap()).unwrap();
    assert_eq!(first["verdict"], "invalid");
    let a = post("/api/v1/batch?rules=nope", "text/csv", "a\n1\n").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    for a in [
        get("/").await,
        get("/api/v1/healthz").await,
        get("/nope").await,
    ] {
        let csp = a.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"));
        assert!(csp.contains("script-src 'self'"));
        assert!(!csp.contains("unsafe"));
        assert_eq!(a.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(a.headers[header::X_FRAME_OPTIONS], "DENY");
    }
    assert_eq!(get("/").await.headers[header::CACHE_CONTROL], "no-store");
}

/// A raw HTTP/1.1 request over a fresh connection: (status, body).
async fn raw_post(addr: std::net::SocketAddr, path: &str, ct: &str, body: &[u8]) -> (u16, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let status = std::str::from_utf8(&out[9..12]).unwrap().parse().unwrap();
    (status, out[split + 4..].to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests_are_all_answered() {
    let server = wagecheck::serve::start(Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        ..config()
    })
    .await
    .unwrap();
    let addr = server.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let body = Arc::new(std::fs::read("samples/02-over-cap.toml").unwrap());
    let mut tasks = Vec::new();
    for _ in 0..1000 {
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            raw_post(addr, "/api/v1/check", "application/toml", &body).await
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    assert_eq!(answers.len(), 1000);
    assert!(answers.iter().all(|(s, _)| *s == 200));
    let first = &answers[0].1;
    assert!(answers.iter().all(|(_, b)| b == first));
    let v: serde_json::Value = serde_json::from_slice(first).unwrap();
    assert_eq!(v["verdict"], "fail");
    let _ = stop.send(());
    handle.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = wagecheck::serve::start(Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        body_timeout: Duration::from_millis(200),
        ..config()
    })
    .await
    .unwrap();
    let addr = server.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"POST /api/v1/check HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // The server closes the connection (a bound far above the deadline, so a server that
    // never did would fail the test rather than hang it).
    let mut out = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut out)).await;
    assert!(closed.is_ok(), "the connection was not closed");
    // Served connections still work, and shutdown waits for nothing left over.
    let (status, _) = raw_post(
        addr,
        "/api/v1/check",
        "application/toml",
        &std::fs::read("samples/01-pass-competitive.toml").unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let _ = stop.send(());
    handle.await.unwrap().unwrap();
}

#[cfg(unix)]
#[test]
fn the_command_says_where_it_listens_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
        .args(["serve", "--addr", "127.0.0.1:0", "--lang", "en"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(
        line.starts_with("wagecheck serve: listening on http://127.0.0.1:"),
        "{line}"
    );
    assert!(
        line.contains("rule packs: national-2018, benxi-2019"),
        "{line}"
    );
    let addr: std::net::SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .parse()
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (status, body) = rt.block_on(raw_post(
        addr,
        "/api/v1/check",
        "application/toml",
        &std::fs::read("samples/06-missing-data.toml").unwrap(),
    ));
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&body).unwrap()["verdict"],
        "review"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    assert_eq!(rest.trim(), "stopped");
}

#[tokio::test]
async fn a_pack_file_named_at_start_is_listed_and_used_by_id() {
    let pack = "rules/examples/sanming-2019.toml";
    let app = app_with(Config {
        rules: vec![pack.to_string()],
        ..config()
    });
    let a = send_to(
        app.clone(),
        Request::get("/api/v1/packs").body(Body::empty()).unwrap(),
    )
    .await;
    let listed = a.json();
    let sanming = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "sanming-2019")
        .unwrap();
    assert_eq!(sanming["builtin"], false);
    let filing = "rules/examples/filings/high-wage.toml";
    let expected = cli(&["check", "--format", "json", "--rules", pack, filing]);
    let req = Request::post(format!("/api/v1/check?rules=sanming-2019&source={filing}"))
        .header(header::CONTENT_TYPE, "application/toml")
        .body(Body::from(std::fs::read(filing).unwrap()))
        .unwrap();
    let a = send_to(app, req).await;
    assert_eq!(a.text(), String::from_utf8(expected).unwrap());
    assert_eq!(a.json()["pack"]["id"], "sanming-2019");
}

// XLSX: the Excel form (`init --format xlsx`) filled in with a sample, a sheet of filings for
// the batch, and the template, each against the command line.

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A sample filled into the Excel form `init --format xlsx` writes (rust_xlsxwriter), with
/// indicators by their catalog names in Chinese.
fn sample_form(sample: &std::path::Path, lang: wagecheck::Lang) -> Vec<u8> {
    let text = std::fs::read_to_string(sample).unwrap();
    let tree = wagecheck::input::parse_toml("s.toml", &text).unwrap();
    let mut values = Vec::new();
    wagecheck::filing::form::flatten("", &tree, &mut values);
    let pack = wagecheck::Registry::new().select("benxi", 2024).unwrap();
    wagecheck::filing::form::filled(&values, lang, Some(&pack)).unwrap()
}

#[tokio::test]
async fn each_sample_as_the_excel_form_is_what_check_prints_for_its_toml() {
    for s in samples() {
        let name = s.display().to_string();
        for (lang, code) in [(wagecheck::Lang::Zh, "zh"), (wagecheck::Lang::En, "en")] {
            let expected = cli(&["check", "--format", "json", "--lang", code, &name]);
            let a = post(
                &format!("/api/v1/check?lang={code}&source={name}"),
                XLSX,
                sample_form(&s, lang),
            )
            .await;
            assert_eq!(a.status, StatusCode::OK, "{name}: {}", a.text());
            assert_eq!(
                a.text(),
                String::from_utf8(expected).unwrap(),
                "{name} {code}"
            );
        }
    }
}

#[tokio::test]
async fn a_workbook_that_is_not_one_is_400_and_a_wrong_cell_422_located() {
    let a = post("/api/v1/check?lang=en&source=b.xlsx", XLSX, "not a zip").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
    let v = a.json();
    assert_eq!(v["code"], "bad_request");
    assert_eq!(v["errors"][0]["file"], "b.xlsx");

    // A sheet with one filing (the batch's first row) and a bad amount: the CLI's invalid
    // report, the cell named.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.xlsx");
    let mut r = csv::Reader::from_path("samples/batch-2024.csv").unwrap();
    let headers = r.headers().unwrap().clone();
    let row = r.records().next().unwrap().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("预算").unwrap();
    for (c, (h, cell)) in headers.iter().zip(row.iter()).enumerate() {
        let c = c as u16;
        ws.write_string(0, c, h).unwrap();
        let cell = if h == "budget.wage_total" {
            "很多"
        } else {
            cell
        };
        if !cell.is_empty() {
            ws.write_string(1, c, cell).unwrap();
        }
    }
    wb.save(&path).unwrap();
    let name = path.display().to_string();
    let expected = cli(&["check", "--format", "json", "--lang", "en", &name]);
    let a = post(
        &format!("/api/v1/check?lang=en&source={name}"),
        XLSX,
        std::fs::read(&path).unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    assert_eq!(a.text(), String::from_utf8(expected).unwrap());
    let v = a.json();
    assert_eq!(v["verdict"], "invalid");
    assert_eq!(v["errors"].as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(v["errors"][0]["field"], "budget.wage_total");
    assert!(
        v["errors"][0]["cell"]
            .as_str()
            .unwrap()
            .starts_with("预算!")
    );
    // A sheet of many filings is one filing too many for a check: 422, saying how many.
    let a = post("/api/v1/check?lang=en", XLSX, batch_workbook()).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
    let msg = a.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("holds 60 filings"), "{msg}");
}

/// `samples/batch-2024.csv` as a workbook: every cell as text, as typed (its short row short).
fn batch_workbook() -> Vec<u8> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path("samples/batch-2024.csv")
        .unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in r.headers().unwrap().iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    for (i, rec) in r.records().enumerate() {
        for (c, cell) in rec.unwrap().iter().enumerate() {
            if !cell.is_empty() {
                ws.write_string(i as u32 + 1, c as u16, cell).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_xlsx_batch_streams_what_batch_jsonl_prints() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("batch-2024.xlsx");
    std::fs::write(&path, batch_workbook()).unwrap();
    let name = path.display().to_string();
    let expected = cli(&["batch", "--format", "jsonl", "--lang", "en", &name]);
    let a = post(
        &format!("/api/v1/batch?lang=en&source={name}"),
        XLSX,
        std::fs::read(&path).unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/jsonl");
    assert_eq!(a.text().lines().count(), 60);
    assert_eq!(a.text(), String::from_utf8(expected).unwrap());
    // The same verdicts and amounts as the CSV it was made from.
    let csv = post(
        "/api/v1/batch?lang=en",
        "text/csv",
        std::fs::read("samples/batch-2024.csv").unwrap(),
    )
    .await;
    let pick = |t: &str| -> Vec<(serde_json::Value, serde_json::Value)> {
        t.lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .map(|v| (v["verdict"].clone(), v["cap"]["max_wage_total"].clone()))
            .collect()
    };
    assert_eq!(pick(&a.text()), pick(&csv.text()));
    // A body that is no workbook is one invalid entry, as for a CSV.
    let a = post("/api/v1/batch", XLSX, "no zip").await;
    assert_eq!(a.status, StatusCode::OK);
    let first: serde_json::Value = serde_json::from_str(a.text().lines().next().unwrap()).unwrap();
    assert_eq!(first["verdict"], "invalid");
}

/// Every part of a workbook but its document properties (they hold the creation time), by name.
fn workbook_parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a workbook");
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).expect("a part");
        let name = part.name().expect("a part name").to_string();
        let mut body = Vec::new();
        part.read_to_end(&mut body).expect("part read");
        if name != "docProps/core.xml" {
            parts.push((name, body));
        }
    }
    assert!(parts.len() > 3, "a workbook has its parts");
    parts
}

#[tokio::test]
async fn the_excel_template_is_the_init_form_and_checks_as_the_toml_template() {
    let dir = tempfile::tempdir().unwrap();
    for code in ["zh", "en"] {
        let a = get(&format!("/template.xlsx?lang={code}")).await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.headers[header::CONTENT_TYPE], XLSX);
        assert!(
            a.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("wagecheck-template.xlsx")
        );
        // Byte for byte what `init --format xlsx` writes.
        let init = dir.path().join(format!("init-{code}.xlsx"));
        let st = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
            .args(["init", "--format", "xlsx", "--lang", code, "-o"])
            .arg(&init)
            .status()
            .unwrap();
        assert!(st.success());
        // The same parts, byte for byte; only the creation time in docProps/core.xml may fall
        // on another second.
        assert_eq!(
            workbook_parts(&a.body),
            workbook_parts(&std::fs::read(&init).unwrap()),
            "{code}"
        );
        // Checked through the API, it is what `check` prints for the TOML template.
        let toml = dir.path().join(format!("init-{code}.toml"));
        let st = Command::new(env!("CARGO_BIN_EXE_wagecheck"))
            .args(["init", "--lang", code, "-o"])
            .arg(&toml)
            .status()
            .unwrap();
        assert!(st.success());
        let name = toml.display().to_string();
        let expected = cli(&["check", "--format", "json", "--lang", code, &name]);
        let c = post(
            &format!("/api/v1/check?lang={code}&source={name}"),
            XLSX,
            a.body,
        )
        .await;
        assert_eq!(c.status, StatusCode::OK, "{}", c.text());
        assert_eq!(c.json()["verdict"], "pass");
        assert_eq!(c.text(), String::from_utf8(expected).unwrap(), "{code}");
    }
}

#[tokio::test]
async fn the_schema_is_what_wagecheck_schema_prints() {
    for code in ["zh", "en"] {
        let a = get(&format!("/api/v1/schema?lang={code}")).await;
        assert_eq!(a.status, StatusCode::OK);
        let expected: serde_json::Value =
            serde_json::from_slice(&cli(&["schema", "--lang", code])).unwrap();
        assert_eq!(a.json(), expected, "{code}");
    }
    let a = get("/api/v1/schema?lang=fr").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}
