//! Errors as HTTP answers: a status and a JSON document (`wagecheck/error/v1`) whose messages
//! are in the language the request asked for, with the located errors the command line prints.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::diag::{Diagnostic, Lang, Text};

pub const ERROR_SCHEMA: &str = "wagecheck/error/v1";

/// One located error, as in a report's `errors`.
#[derive(Serialize, Debug, Clone, PartialEq, Eq, utoipa::ToSchema)]
pub struct LocatedError {
    /// The document's display name (`?source=`, or `request.toml` and the like).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The full dotted field path (`budget.wage_total`), when known.
    pub field: Option<String>,
    pub message: String,
}

impl LocatedError {
    pub fn from_diag(d: &Diagnostic, lang: Lang) -> LocatedError {
        LocatedError {
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            field: d.field.clone(),
            message: d.message.get(lang).to_string(),
        }
    }
}

/// The body of every error answer but `422`, which is the `invalid` report itself.
#[derive(Serialize, Debug, utoipa::ToSchema)]
pub struct ErrorDoc {
    /// Always `wagecheck/error/v1`.
    pub schema: &'static str,
    /// The HTTP status, repeated.
    pub status: u16,
    /// A stable code: `bad_request`, `not_found`, `payload_too_large`, `unsupported_media_type`,
    /// `timeout`, `method_not_allowed`.
    pub code: &'static str,
    /// What went wrong, in the requested language.
    pub message: String,
    /// Located errors in the body, when there are any.
    pub errors: Vec<LocatedError>,
}

/// An error answer, built in the request's language.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: Text,
    pub errors: Vec<Diagnostic>,
    pub lang: Lang,
}

impl ApiError {
    pub fn new(status: StatusCode, lang: Lang, message: Text) -> ApiError {
        ApiError {
            status,
            message,
            errors: Vec::new(),
            lang,
        }
    }

    pub fn with_errors(mut self, errors: Vec<Diagnostic>) -> ApiError {
        self.errors = errors;
        self
    }

    pub fn code(&self) -> &'static str {
        code_of(self.status)
    }

    pub fn doc(&self) -> ErrorDoc {
        ErrorDoc {
            schema: ERROR_SCHEMA,
            status: self.status.as_u16(),
            code: self.code(),
            message: self.message.get(self.lang).to_string(),
            errors: self
                .errors
                .iter()
                .map(|d| LocatedError::from_diag(d, self.lang))
                .collect(),
        }
    }

    pub fn bad_request(lang: Lang, message: Text) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, lang, message)
    }

    pub fn not_found(lang: Lang) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            lang,
            Text::new("没有这个地址", "no such resource"),
        )
    }

    pub fn too_large(lang: Lang, limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            lang,
            Text::owned(
                format!("请求内容过大：上限 {limit} 字节"),
                format!("the request body is too large: the limit is {limit} bytes"),
            ),
        )
    }

    pub fn timeout(lang: Lang) -> ApiError {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            lang,
            Text::new(
                "请求内容未在时限内送达",
                "the request body did not arrive in time",
            ),
        )
    }

    pub fn unsupported(lang: Lang, found: &str, accepted: &[&str]) -> ApiError {
        let list = accepted.join(", ");
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            lang,
            Text::owned(
                format!("不支持的内容类型 `{found}`；可用：{list}"),
                format!("unsupported content type `{found}`; accepted: {list}"),
            ),
        )
    }
}

pub fn code_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_filing",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        _ => "error",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.doc())
    }
}

/// A JSON answer; serializing plain data into memory cannot fail.
pub fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    let mut body = serde_json::to_vec_pretty(value).unwrap_or_default();
    body.push(b'\n');
    json_bytes(status, body)
}

pub fn json_bytes(status: StatusCode, body: impl Into<axum::body::Body>) -> Response {
    let mut r = (status, body.into()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}
