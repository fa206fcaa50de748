//! The HTTP API under `/api/v1`: check a filing, a batch as JSON Lines, the packs, the filing
//! schema, health, and the OpenAPI document generated from these handlers.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::AppState;
use super::engine::{self, CheckError, InputFormat};
use super::error::{ApiError, ErrorDoc, LocatedError, json_bytes, json_response};
use crate::diag::{Lang, Text};

/// The media types `POST /check` reads, and the format each means.
pub const CHECK_TYPES: &[(&str, InputFormat)] = &[
    ("application/json", InputFormat::Json),
    ("application/toml", InputFormat::Toml),
    ("text/toml", InputFormat::Toml),
    ("application/x-toml", InputFormat::Toml),
    (XLSX_TYPE, InputFormat::Xlsx),
];

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The media types `POST /batch` reads.
pub const BATCH_TYPES: &[&str] = &["text/csv", XLSX_TYPE];

/// The language of messages.
#[derive(Deserialize, Serialize, ToSchema, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LangParam {
    #[default]
    Zh,
    En,
}

impl From<LangParam> for Lang {
    fn from(l: LangParam) -> Lang {
        match l {
            LangParam::Zh => Lang::Zh,
            LangParam::En => Lang::En,
        }
    }
}

/// Options of a check, as on the command line.
#[derive(Deserialize, IntoParams, Debug, Default)]
#[into_params(parameter_in = Query)]
pub struct CheckQuery {
    /// Language of every message (`zh` by default).
    pub lang: Option<LangParam>,
    /// A pack loaded at start, by id; by default the pack in force for the filing's
    /// jurisdiction and budget year.
    pub rules: Option<String>,
    /// Include each rule's formulas and values (as `--trace`).
    pub trace: Option<bool>,
    /// The display name the report and its errors give the document (no file is read).
    pub source: Option<String>,
}

/// Options of a read-only request.
#[derive(Deserialize, IntoParams, Debug, Default)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// Language of messages (`zh` by default).
    pub lang: Option<LangParam>,
}

/// The language a rejected query asked for, read leniently, so even a bad query gets its
/// error in the language it named.
pub fn lang_of_raw(query: Option<&str>) -> Lang {
    let q = query.unwrap_or("");
    if q.split('&').any(|kv| kv == "lang=en") {
        Lang::En
    } else {
        Lang::Zh
    }
}

fn bad_query(rej: QueryRejection, raw: Option<&str>) -> ApiError {
    let lang = lang_of_raw(raw);
    let detail = rej.body_text();
    ApiError::bad_request(
        lang,
        Text::owned(
            format!("查询参数有误：{detail}"),
            format!("bad query parameters: {detail}"),
        ),
    )
}

/// The essence of a Content-Type (`application/json`), and whether its charset (if any) is
/// UTF-8.
fn media_type(headers: &HeaderMap) -> Option<(String, bool)> {
    let v = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = v.split(';');
    let essence = parts.next()?.trim().to_ascii_lowercase();
    let utf8 = parts.all(|p| {
        let p = p.trim().to_ascii_lowercase();
        match p.strip_prefix("charset=") {
            Some(cs) => matches!(cs.trim_matches('"'), "utf-8" | "utf8"),
            None => true,
        }
    });
    Some((essence, utf8))
}

fn check_format(headers: &HeaderMap, lang: Lang) -> Result<InputFormat, ApiError> {
    let accepted: Vec<&str> = CHECK_TYPES.iter().map(|(t, _)| *t).collect();
    let Some((essence, utf8)) = media_type(headers) else {
        return Err(ApiError::unsupported(lang, "", &accepted));
    };
    match CHECK_TYPES.iter().find(|(t, _)| *t == essence) {
        Some((_, f)) if utf8 || *f == InputFormat::Xlsx => Ok(*f),
        _ => Err(ApiError::unsupported(
            lang,
            headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
            &accepted,
        )),
    }
}

/// Reads a body within the size limit and the time limit.
pub async fn read_body(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    lang: Lang,
) -> Result<Bytes, ApiError> {
    let limit = state.config.max_body;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::too_large(lang, limit));
    }
    match tokio::time::timeout(state.config.body_timeout, axum::body::to_bytes(body, limit)).await {
        Err(_) => Err(ApiError::timeout(lang)),
        Ok(Ok(b)) => Ok(b),
        Ok(Err(e)) => {
            let too_large = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            if too_large {
                Err(ApiError::too_large(lang, limit))
            } else {
                Err(ApiError::bad_request(
                    lang,
                    Text::new("无法读取请求内容", "the request body could not be read"),
                ))
            }
        }
    }
}

/// Work above this many bytes runs on the blocking pool, so one large filing does not hold up
/// the requests sharing its thread.
const INLINE_BYTES: usize = 64 * 1024;

fn check_error(e: CheckError, state: &AppState, lang: Lang) -> ApiError {
    match e {
        CheckError::Unparseable(errors) => ApiError::bad_request(
            lang,
            Text::new(
                "请求内容无法解析为所声明格式的文档",
                "the body does not parse as a document of its declared type",
            ),
        )
        .with_errors(errors),
        CheckError::UnknownPack(id) => {
            let known: Vec<&str> = state.engine.packs().iter().map(|p| p.id.as_str()).collect();
            ApiError::bad_request(
                lang,
                Text::owned(
                    format!("没有已加载的规则包 `{id}`（已加载：{}）", known.join(", ")),
                    format!("no loaded rule pack `{id}` (loaded: {})", known.join(", ")),
                ),
            )
        }
    }
}

/// The display name of a request's document.
fn source_name(q: &CheckQuery, format: InputFormat) -> String {
    match &q.source {
        Some(s) if !s.trim().is_empty() => s.chars().take(256).collect(),
        _ => format!("request.{}", format.extension()),
    }
}

/// Check one filing.
///
/// The body is a filing as JSON, TOML or XLSX, by its Content-Type. The answer is the report
/// exactly as `wagecheck check --format json` prints it for the same filing: `200` for every
/// verdict but `invalid`, `422` for an invalid filing (the report with its located `errors`).
#[utoipa::path(
    post,
    path = "/check",
    tag = "check",
    params(CheckQuery),
    request_body(
        description = "A filing (`wagecheck/filing/v1`) as JSON, TOML or XLSX.",
        content(
            (String = "application/toml"),
            (Object = "application/json"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ),
    ),
    responses(
        (status = 200, description = "The report (verdict pass, review, fail or out_of_scope).", body = ReportDoc),
        (status = 400, description = "The body does not parse, or a query parameter is wrong.", body = ErrorDoc),
        (status = 408, description = "The body did not arrive in time.", body = ErrorDoc),
        (status = 413, description = "The body is larger than the server's limit.", body = ErrorDoc),
        (status = 415, description = "A Content-Type this endpoint does not read.", body = ErrorDoc),
        (status = 422, description = "An invalid filing: the report with verdict `invalid` and its located errors.", body = ReportDoc),
    )
)]
pub async fn check(
    State(state): State<Arc<AppState>>,
    query: Result<Query<CheckQuery>, QueryRejection>,
    raw: axum::extract::RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| bad_query(e, raw.0.as_deref()))?;
    let lang: Lang = q.lang.unwrap_or_default().into();
    let format = check_format(&headers, lang)?;
    let bytes = read_body(&state, &headers, body, lang).await?;
    let source = source_name(&q, format);
    let trace = q.trace.unwrap_or(false);
    let big = bytes.len() > INLINE_BYTES;
    let work = {
        let state = state.clone();
        move || {
            state
                .engine
                .check(&bytes, format, &source, q.rules.as_deref(), lang, trace)
                .map(|o| {
                    let status = if engine::is_invalid(&o.report) {
                        StatusCode::UNPROCESSABLE_ENTITY
                    } else {
                        StatusCode::OK
                    };
                    (
                        status,
                        engine::report_json(&o.report, lang, trace),
                        o.notices,
                    )
                })
        }
    };
    let outcome = if big {
        tokio::task::spawn_blocking(work).await.map_err(|_| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                lang,
                Text::new("检查未能完成", "the check could not be completed"),
            )
        })?
    } else {
        work()
    };
    match outcome {
        Ok((status, json, notices)) => {
            let mut r = json_bytes(status, json);
            // Warnings about the check (a pack used outside its dates) go beside the report,
            // never into it: the body stays what `check --format json` prints.
            for n in notices {
                // UTF-8 is allowed in a header value's bytes (obs-text), if not by `from_str`.
                if let Ok(v) = axum::http::HeaderValue::from_bytes(n.render(Lang::En).as_bytes()) {
                    r.headers_mut().append("x-wagecheck-warning", v);
                }
            }
            Ok(r)
        }
        Err(e) => Err(check_error(e, &state, lang)),
    }
}

/// Check many filings.
///
/// The body is a CSV (one filing a row, columns named by dotted field paths) or an XLSX sheet
/// of filings. The answer streams one report per line (JSON Lines), in input order, exactly as
/// `wagecheck batch --format jsonl` prints them; a bad row is an `invalid` report naming its
/// line and column.
#[utoipa::path(
    post,
    path = "/batch",
    tag = "check",
    params(CheckQuery),
    request_body(
        description = "Filings: a CSV with a header row of dotted field names, or an XLSX sheet.",
        content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ),
    ),
    responses(
        (status = 200, description = "One report per line (JSON Lines).", content_type = "application/jsonl", body = String),
        (status = 400, description = "A query parameter is wrong.", body = ErrorDoc),
        (status = 408, description = "The body did not arrive in time.", body = ErrorDoc),
        (status = 413, description = "The body is larger than the server's limit.", body = ErrorDoc),
        (status = 415, description = "A Content-Type this endpoint does not read.", body = ErrorDoc),
    )
)]
pub async fn batch(
    State(state): State<Arc<AppState>>,
    query: Result<Query<CheckQuery>, QueryRejection>,
    raw: axum::extract::RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| bad_query(e, raw.0.as_deref()))?;
    let lang: Lang = q.lang.unwrap_or_default().into();
    let essence = media_type(&headers).map(|(e, _)| e).unwrap_or_default();
    let format = match essence.as_str() {
        "text/csv" => engine::BatchFormat::Csv,
        XLSX_TYPE => engine::BatchFormat::Xlsx,
        _ => {
            let found = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            return Err(ApiError::unsupported(lang, found, BATCH_TYPES));
        }
    };
    if let Some(id) = &q.rules
        && state.engine.pack(id).is_none()
    {
        return Err(check_error(
            CheckError::UnknownPack(id.clone()),
            &state,
            lang,
        ));
    }
    let bytes = read_body(&state, &headers, body, lang).await?;
    let source = match &q.source {
        Some(s) if !s.trim().is_empty() => s.chars().take(256).collect(),
        _ => format!("request.{}", format.extension()),
    };
    let trace = q.trace.unwrap_or(false);
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(64);
    let worker = state.clone();
    tokio::task::spawn_blocking(move || {
        // The pack was looked up above: nothing is left to fail here.
        let _ = worker.engine.batch(
            &bytes,
            format,
            &source,
            q.rules.as_deref(),
            lang,
            trace,
            |line| {
                // A client that went away gets nothing more; the batch, bounded by the body
                // limit, runs to its end.
                let _ = tx.blocking_send(Bytes::from(line));
            },
        );
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    let mut r = Body::from_stream(stream).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/jsonl"),
    );
    Ok(r)
}

/// A pack as listed.
#[derive(Serialize, ToSchema, Debug)]
pub struct PackSummary {
    /// What `?rules=` accepts.
    pub id: String,
    pub title: TextDoc,
    /// The policy document it implements (`本政发〔2019〕5号`).
    pub document: String,
    pub issuer: TextDoc,
    pub jurisdiction: String,
    pub extends: Option<String>,
    /// First day in force (`YYYY-MM-DD`).
    pub effective_from: String,
    /// Last day in force, if any.
    pub effective_until: Option<String>,
    /// The packs it is built from, root first, with each file's SHA-256.
    pub chain: Vec<ChainDoc>,
    /// Shipped in the binary (else loaded from a file named at start).
    pub builtin: bool,
}

/// A text in Chinese and English.
#[derive(Serialize, ToSchema, Debug)]
pub struct TextDoc {
    pub zh: String,
    pub en: String,
}

impl From<&Text> for TextDoc {
    fn from(t: &Text) -> TextDoc {
        TextDoc {
            zh: t.zh.clone(),
            en: t.en.clone(),
        }
    }
}

#[derive(Serialize, ToSchema, Debug)]
pub struct ChainDoc {
    pub id: String,
    pub sha256: String,
}

/// A pack in detail: its parameters and rules.
#[derive(Serialize, ToSchema, Debug)]
pub struct PackDetail {
    #[serde(flatten)]
    pub summary: PackSummary,
    pub params: Vec<ParamDoc>,
    pub rules: Vec<RuleDoc>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct ParamDoc {
    pub name: String,
    /// The value as a decimal string (or text); `null` when the pack leaves it unset.
    pub value: Option<String>,
    pub text: TextDoc,
    /// The clause it comes from.
    pub source: Option<String>,
    /// The pack (layer) that set it.
    pub layer: String,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct RuleDoc {
    pub id: String,
    pub clause: String,
    pub title: TextDoc,
    /// Run on budgets.
    pub budget: bool,
    /// Run on annual returns.
    pub annual_return: bool,
    /// The packs (layers) that defined or changed it.
    pub layers: Vec<String>,
}

fn summary(e: &engine::PackEntry) -> PackSummary {
    let p = &e.pack;
    PackSummary {
        id: e.id.clone(),
        title: (&p.title).into(),
        document: p.document.clone(),
        issuer: (&p.issuer).into(),
        jurisdiction: p.jurisdiction.clone(),
        extends: p.extends.clone(),
        effective_from: p.effective_from.to_string(),
        effective_until: p.effective_until.map(|d| d.to_string()),
        chain: p
            .chain
            .iter()
            .map(|l| ChainDoc {
                id: l.id.clone(),
                sha256: l.hash.clone(),
            })
            .collect(),
        builtin: e.builtin,
    }
}

/// The packs loaded at start.
#[utoipa::path(
    get,
    path = "/packs",
    tag = "packs",
    responses((status = 200, description = "Every pack a request may name with `?rules=`.", body = Vec<PackSummary>))
)]
pub async fn packs(State(state): State<Arc<AppState>>) -> Response {
    let list: Vec<PackSummary> = state.engine.packs().iter().map(summary).collect();
    json_response(StatusCode::OK, &list)
}

/// One pack: parameters and rules.
#[utoipa::path(
    get,
    path = "/packs/{id}",
    tag = "packs",
    params(("id" = String, Path, description = "A pack id from `GET /packs`."), LangQuery),
    responses(
        (status = 200, description = "The pack.", body = PackDetail),
        (status = 400, description = "A query parameter is wrong.", body = ErrorDoc),
        (status = 404, description = "No pack with this id is loaded.", body = ErrorDoc),
    )
)]
pub async fn pack(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    query: Result<Query<LangQuery>, QueryRejection>,
    raw: axum::extract::RawQuery,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| bad_query(e, raw.0.as_deref()))?;
    let lang: Lang = q.lang.unwrap_or_default().into();
    let Some(e) = state.engine.pack(&id) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            lang,
            Text::owned(
                format!("没有已加载的规则包 `{id}`"),
                format!("no loaded rule pack `{id}`"),
            ),
        ));
    };
    let p = &e.pack;
    let detail = PackDetail {
        summary: summary(e),
        params: p
            .params
            .iter()
            .map(|x| ParamDoc {
                name: x.name.clone(),
                value: x.value.is_known().then(|| {
                    crate::engine::format_value(&x.value, crate::pack::Format::Plain, lang)
                }),
                text: (&x.text).into(),
                source: x.source.clone(),
                layer: x.layer.clone(),
            })
            .collect(),
        rules: p
            .rules
            .iter()
            .map(|r| RuleDoc {
                id: r.id.clone(),
                clause: r.clause.clone(),
                title: (&r.title).into(),
                budget: r.budget,
                annual_return: r.annual_return,
                layers: r.layers.clone(),
            })
            .collect(),
    };
    Ok(json_response(StatusCode::OK, &detail))
}

/// The filing schema as JSON Schema (2020-12): what `wagecheck schema` prints.
#[utoipa::path(
    get,
    path = "/schema",
    tag = "schema",
    params(LangQuery),
    responses(
        (status = 200, description = "The filing schema `wagecheck/filing/v1` as JSON Schema, titles in the language asked.", content_type = "application/schema+json", body = Object),
        (status = 400, description = "A query parameter is wrong.", body = ErrorDoc),
    )
)]
pub async fn schema(
    query: Result<Query<LangQuery>, QueryRejection>,
    raw: axum::extract::RawQuery,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|e| bad_query(e, raw.0.as_deref()))?;
    let lang: Lang = q.lang.unwrap_or_default().into();
    let schema = crate::filing::json_schema::filing_schema(lang);
    let mut r = json_response(StatusCode::OK, &schema);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/schema+json"),
    );
    Ok(r)
}

#[derive(Serialize, ToSchema, Debug)]
pub struct Health {
    /// Always `ok` when the server answers.
    pub status: String,
    /// The ids of the packs loaded.
    pub packs: Vec<String>,
}

/// Liveness: the server answers and its packs are loaded.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "meta",
    responses((status = 200, description = "The server is up.", body = Health))
)]
pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    json_response(
        StatusCode::OK,
        &Health {
            status: "ok".into(),
            packs: state.engine.packs().iter().map(|p| p.id.clone()).collect(),
        },
    )
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API.", body = Object))
)]
pub async fn openapi_json(State(state): State<Arc<AppState>>) -> Response {
    let body = openapi_with_examples(&state.engine)
        .to_pretty_json()
        .unwrap_or_default();
    json_bytes(StatusCode::OK, body)
}

/// The OpenAPI document, generated from the handlers and types above.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    // The crate declares no licence; an empty licence object would not be valid OpenAPI.
    doc.info.license = None;
    doc
}

/// The OpenAPI document with the filing schema as the JSON body of `POST /check` (component
/// `Filing`, what `GET /schema` serves), and a filing that passes as the example
/// body (the template `wagecheck init` prints, in TOML and as JSON), so a client generated
/// from it, or a tool that tests the API, has one real filing to start from.
pub fn openapi_with_examples(engine: &engine::Engine) -> utoipa::openapi::OpenApi {
    let mut doc = openapi();
    // The filing schema is plain JSON Schema, which OpenAPI 3.1 schemas are.
    let filing: Option<utoipa::openapi::schema::Schema> =
        serde_json::from_value(crate::filing::json_schema::filing_schema(Lang::Zh)).ok();
    if let Some(filing) = filing {
        let components = doc.components.get_or_insert_with(Default::default);
        components.schemas.insert("Filing".into(), filing.into());
        let json = doc
            .paths
            .paths
            .get_mut("/check")
            .and_then(|p| p.post.as_mut())
            .and_then(|op| op.request_body.as_mut())
            .and_then(|b| b.content.get_mut("application/json"));
        if let Some(c) = json {
            c.schema = Some(utoipa::openapi::Ref::from_schema_name("Filing").into());
        }
    }
    let Some(toml) = engine.template(Lang::Zh) else {
        return doc;
    };
    let json = toml::from_str::<serde_json::Value>(&toml).ok();
    let body = doc
        .paths
        .paths
        .get_mut("/check")
        .and_then(|p| p.post.as_mut())
        .and_then(|op| op.request_body.as_mut());
    if let Some(body) = body {
        if let Some(c) = body.content.get_mut("application/toml") {
            c.example = Some(serde_json::Value::String(toml.clone()));
        }
        if let (Some(c), Some(j)) = (body.content.get_mut("application/json"), json) {
            c.example = Some(j);
        }
    }
    doc
}

/// The report document `wagecheck/report/v1` (spec/report.md), as `check --format json`
/// prints it. Documentation only: the report is written by the library's JSON output.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct ReportDoc {
    /// Always `wagecheck/report/v1`.
    pub schema: String,
    /// The document's display name.
    pub source: String,
    /// The row within a batch source.
    #[schema(required = false)]
    pub row: Option<u64>,
    /// `pass`, `review`, `fail`, `out_of_scope` or `invalid`.
    pub verdict: VerdictDoc,
    #[schema(required = false)]
    pub enterprise: Option<EnterpriseDoc>,
    /// `budget` or `annual_return`.
    #[schema(required = false)]
    pub kind: Option<String>,
    /// The pack the filing was checked under, with the receipt.
    #[schema(required = false, value_type = Object)]
    pub pack: Option<serde_json::Value>,
    /// The regime (`filing`/`approval`) the filing must follow, if known.
    #[schema(required = false)]
    pub required_regime: Option<String>,
    #[schema(required = false, value_type = Object)]
    pub regime: Option<serde_json::Value>,
    /// Every quantity computed: decimal strings, `null` when unknown.
    #[schema(required = false, value_type = Object)]
    pub quantities: Option<serde_json::Value>,
    /// The largest growth and total allowed; `null` when no cap could be computed.
    #[schema(required = false)]
    pub cap: Option<CapDoc>,
    /// Why there is no cap.
    #[schema(required = false)]
    pub cap_note: Option<String>,
    #[schema(required = false)]
    pub rules: Option<Vec<RuleResultDoc>>,
    /// The quantities' formulas and values (with `?trace=true`).
    #[schema(required = false, value_type = Vec<Object>)]
    pub trace: Option<serde_json::Value>,
    /// Annual returns: the cleared total and the amount to recover.
    #[schema(required = false, value_type = Object)]
    pub clearing: Option<serde_json::Value>,
    /// An `invalid` filing's located errors.
    #[schema(required = false)]
    pub errors: Option<Vec<LocatedError>>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerdictDoc {
    Pass,
    Review,
    Fail,
    OutOfScope,
    Invalid,
}

#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct EnterpriseDoc {
    pub name: String,
    pub credit_code: Option<String>,
    pub category: String,
}

#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct CapDoc {
    /// The largest wage growth allowed (a ratio, decimal string).
    pub wage_growth: String,
    /// The bound excludes its limit ("应低于").
    pub strict: bool,
    pub binding_rule: String,
    /// The largest wage total allowed, in yuan (decimal string, to the cent).
    pub max_wage_total: String,
    /// Proposed total minus the largest allowed (negative: room left).
    pub excess: Option<String>,
    pub excess_points: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct RuleResultDoc {
    pub id: String,
    /// `pass`, `fail`, `review`, `advisory` or `not_applicable`.
    pub status: String,
    pub clause: String,
    pub title: String,
    pub message: String,
    #[schema(required = false)]
    pub bound: Option<String>,
    #[schema(required = false)]
    pub strict: Option<bool>,
    #[schema(required = false)]
    pub allowed_total: Option<String>,
    #[schema(required = false)]
    pub triggers: Option<Vec<String>>,
    #[schema(required = false)]
    pub unknown: Option<Vec<String>>,
    #[schema(required = false, value_type = Vec<Object>)]
    pub trace: Option<serde_json::Value>,
    #[schema(required = false)]
    pub layers: Option<Vec<String>>,
    #[schema(required = false, value_type = Vec<Object>)]
    pub params: Option<serde_json::Value>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wagecheck",
        description = "Checks Chinese SOE wage-total budget filings against the wage determination rules. \
Every number in a report is an exact decimal string. Nothing sent is stored.",
    ),
    servers((url = "/api/v1")),
    paths(check, batch, packs, pack, schema, healthz, openapi_json),
    components(schemas(ErrorDoc, LocatedError, ReportDoc, PackSummary, PackDetail, Health, LangParam)),
    tags(
        (name = "check", description = "Check filings."),
        (name = "packs", description = "The rule packs loaded at start."),
        (name = "schema", description = "The filing schema."),
        (name = "meta", description = "Health and this document."),
    )
)]
pub struct ApiDoc;
