//! The self-check page through the router: the form, a submitted form, an upload, rows added
//! without JavaScript, the downloads.
#![cfg(feature = "serve")]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use wagecheck::serve::{AppState, Config, router};

async fn send(req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let app = router(Arc::new(AppState::new(Config::default()).unwrap()));
    let r = app.oneshot(req).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let body = r.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, String::from_utf8(body).unwrap())
}

fn encode(pairs: &[(String, String)]) -> String {
    fn enc(s: &str) -> String {
        let mut out = String::new();
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A sample filing as the page's form would post it (dotted names, rows numbered from 1).
fn form_of(sample: &str) -> Vec<(String, String)> {
    let doc: toml::Table = toml::from_str(&std::fs::read_to_string(sample).unwrap()).unwrap();
    let mut out = Vec::new();
    fn scalar(v: &toml::Value) -> String {
        match v {
            toml::Value::String(s) => s.clone(),
            toml::Value::Array(a) => a.iter().map(scalar).collect::<Vec<_>>().join(";"),
            other => other.to_string(),
        }
    }
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
            other => out.push((k.clone(), scalar(other))),
        }
    }
    out
}

fn form_post(uri: &str, pairs: &[(String, String)]) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(encode(pairs)))
        .unwrap()
}

#[tokio::test]
async fn the_form_is_generated_from_the_schema_in_chinese_first() {
    let (status, headers, html) = send(Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(html.contains(r#"<html lang="zh-CN">"#));
    // Every scalar field of the schema has its input, with its Chinese label.
    for f in wagecheck::filing::schema::FIELDS
        .iter()
        .filter(|f| f.path != "schema")
    {
        assert!(
            html.contains(&format!(r#"name="{}""#, f.path)),
            "{}",
            f.path
        );
        assert!(html.contains(f.zh), "{}", f.zh);
    }
    assert!(html.contains(r#"name="indicator.1.weight""#));
    assert!(html.contains("竞争类（competitive）"));
    assert!(html.contains("不保存任何内容"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    let (_, _, en) = send(Request::get("/?lang=en").body(Body::empty()).unwrap()).await;
    assert!(en.contains(r#"<html lang="en">"#));
    assert!(en.contains("proposed wage total"));
    assert!(en.contains("Nothing is stored"));
}

#[tokio::test]
async fn a_filled_in_form_shows_the_report() {
    let mut pairs = form_of("samples/02-over-cap.toml");
    pairs.push(("_lang".into(), "en".into()));
    let (status, _, html) = send(form_post("/check", &pairs)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(r#"data-verdict="fail""#));
    assert!(html.contains(r#"data-figure="binding-rule""#));
    assert!(html.contains(r#"data-rule="linkage.growth_cap""#));
    // The values ride along for the downloads and the language switch, nothing being stored.
    assert!(html.contains(r#"action="/download/filing.toml""#));
    assert!(html.contains(r#"<button type="submit" class="switch" lang="zh-CN">中文</button>"#));
    assert!(html.contains(r#"name="budget.wage_total""#));
}

#[tokio::test]
async fn the_result_is_the_html_report_with_its_chart_under_a_strict_csp() {
    let mut pairs = form_of("samples/02-over-cap.toml");
    pairs.push(("_lang".into(), "en".into()));
    let (status, headers, html) = send(form_post("/check", &pairs)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    // `report::html`'s section: the verdict band, the figures, the chart, the rules.
    assert!(html.contains(r#"<article class="report" id="verdict" data-verdict="fail">"#));
    assert!(html.contains(r#"data-figure="max-total""#));
    assert!(html.contains(r#"data-figure="excess""#));
    assert!(html.contains("<svg"), "{html}");
    assert!(html.contains(r#"<div class="rule s-fail" id="verdict-linkage.growth_cap""#));
    // Its style sheet is linked, never inline.
    assert!(html.contains(r#"<link rel="stylesheet" href="/assets/report.css">"#));
    assert!(!html.contains("<style") && !html.contains(" style="));
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("style-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");

    let (status, headers, css) = send(
        Request::get("/assets/report.css")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert_eq!(css, wagecheck::report::html::CSS);
    assert!(css.contains("svg.growth-chart"));
}

#[tokio::test]
async fn a_form_with_mistakes_comes_back_with_the_errors_beside_the_fields() {
    let mut pairs = form_of("samples/01-pass-competitive.toml");
    for (k, v) in pairs.iter_mut() {
        if k == "budget.wage_total" {
            // Chinese numerals are refused (thousands separators are read since issue 11).
            *v = "一千二百六十万".into();
        }
    }
    let (status, _, html) = send(form_post("/check", &pairs)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(r#"id="errors""#));
    assert!(html.contains("预算工资总额"));
    assert!(html.contains(r#"class="field has-error""#));
    // What was typed is kept.
    assert!(html.contains(r#"value="一千二百六十万""#));
}

#[tokio::test]
async fn rows_are_added_and_removed_without_javascript() {
    let mut pairs = form_of("samples/01-pass-competitive.toml");
    pairs.push(("_op".into(), "add:indicator".into()));
    let (status, _, html) = send(form_post("/form", &pairs)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"name="indicator.3.id""#));
    assert!(html.contains(r#"value="roe" selected"#));
    let mut pairs = form_of("samples/01-pass-competitive.toml");
    pairs.push(("_op".into(), "remove:indicator.1".into()));
    let (_, _, html) = send(form_post("/form", &pairs)).await;
    assert!(!html.contains(r#"id="f-indicator.2.id""#));
    assert!(html.contains(r#"id="f-indicator.1.id""#));
    assert!(html.contains(r#"value="roe" selected"#));
    assert!(!html.contains(r#"value="profit_total" selected"#));
}

#[tokio::test]
async fn an_uploaded_filing_is_checked_and_can_be_downloaded_as_toml() {
    let file = std::fs::read("samples/08-annual-return.toml").unwrap();
    let boundary = "XyZ";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_lang\"\r\n\r\nzh\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"C:\\\\x\\\\08.toml\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post("/upload")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let (status, _, html) = send(req).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(r#"data-verdict="fail""#));
    assert!(html.contains(r#"data-figure="to-recover""#));

    // The filing read back into the form downloads as a TOML the checker reads the same.
    let values = form_of("samples/08-annual-return.toml");
    let (status, headers, toml) = send(form_post("/download/filing.toml", &values)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("filing.toml")
    );
    let a = wagecheck::filing::parse_str("a.toml", &toml).unwrap();
    let b = wagecheck::filing::read_file(std::path::Path::new("samples/08-annual-return.toml"))
        .unwrap();
    assert_eq!(a.fields, b.fields);
    assert_eq!(a.indicators, b.indicators);
}

#[tokio::test]
async fn a_bad_upload_is_explained() {
    let boundary = "b";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.docx\"\r\n\r\nabc\r\n--{boundary}--\r\n"
    );
    let req = Request::post("/upload")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let (status, _, html) = send(req).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(html.contains("无法识别的文件类型"));
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.toml\"\r\n\r\nkind = \r\n--{boundary}--\r\n"
    );
    let req = Request::post("/upload")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let (status, _, html) = send(req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("x.toml:1"));
}

#[tokio::test]
async fn the_template_and_the_assets() {
    let (status, headers, text) =
        send(Request::get("/template.toml").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    assert!(wagecheck::filing::parse_str("t.toml", &text).is_ok());
    let (status, _, css) = send(Request::get("/assets/app.css").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!css.contains("url("), "no external resources");
    let (status, _, js) = send(Request::get("/assets/app.js").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!js.contains("fetch(") && !js.contains("XMLHttpRequest"));
}

async fn send_raw(req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let app = router(Arc::new(AppState::new(Config::default()).unwrap()));
    let r = app.oneshot(req).await.unwrap();
    let status = r.status();
    let headers = r.headers().clone();
    let body = r.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

fn upload(filename: &str, file: &[u8]) -> Request<Body> {
    let boundary = "XyZ";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_lang\"\r\n\r\nen\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post("/upload")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn a_filing_downloads_as_excel_and_uploads_back_to_the_same_result() {
    let sample = "samples/08-annual-return.toml";
    let mut values = form_of(sample);
    values.push(("_lang".into(), "en".into()));
    let (status, headers, xlsx) = send_raw(form_post("/download/filing.xlsx", &values)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("filing.xlsx")
    );
    // The library reads the workbook as the sample.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("filing.xlsx");
    std::fs::write(&path, &xlsx).unwrap();
    let a = wagecheck::filing::read_file(&path).unwrap();
    let b = wagecheck::filing::read_file(std::path::Path::new(sample)).unwrap();
    assert_eq!(a.fields, b.fields);
    assert_eq!(a.indicators, b.indicators);
    // Uploaded, it shows the sample's result.
    let (status, _, html) = send(upload("filing.xlsx", &xlsx)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains(r#"data-verdict="fail""#));
    assert!(html.contains(r#"data-figure="to-recover""#));
    // A file that is no workbook is explained, not a 500.
    let (status, _, html) = send(upload("x.xlsx", b"not a zip")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("not a valid XLSX workbook"), "{html}");
}

#[tokio::test]
async fn the_page_offers_excel() {
    let (_, _, html) = send(Request::get("/").body(Body::empty()).unwrap()).await;
    assert!(html.contains(r#"accept=".toml,.json,.xlsx""#));
    assert!(html.contains(r#"href="/template.xlsx?lang=zh""#));
    let (status, headers, xlsx) = send_raw(
        Request::get("/template.xlsx?lang=en")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("wagecheck-template.xlsx")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    std::fs::write(&path, &xlsx).unwrap();
    assert!(wagecheck::filing::read_file(&path).is_ok());
}
