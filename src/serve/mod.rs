//! `wagecheck serve`: a self-check page for enterprises (`/`) and an HTTP API for other systems
//! (`/api/v1`), on axum. Packs are loaded once at start and shared by every request; requests
//! never name files on the server, and nothing a request sends is stored.
//!
//! The library prints nothing: [`start`] binds and returns what the command line announces,
//! [`Server::run`] serves until the shutdown future completes.

pub mod api;
pub mod engine;
pub mod error;
mod form;
mod page;
pub mod schema;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::diag::{Diagnostic, Lang, Text};
use engine::Engine;
use error::ApiError;

/// 4 MiB: far above any filing, small enough that a body cannot exhaust memory.
pub const DEFAULT_MAX_BODY: usize = 4 * 1024 * 1024;
/// Requests handled at once; more wait their turn.
pub const DEFAULT_MAX_CONCURRENCY: usize = 256;
/// How long a request body may take to arrive, and a whole request to be answered.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// What the server is started with.
#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    /// Extra packs (ids or paths) loaded at start, besides the built-in ones.
    pub rules: Vec<String>,
    /// The largest request body, in bytes.
    pub max_body: usize,
    /// How long a body may take to arrive.
    pub body_timeout: Duration,
    /// How long a request may take in all (a streamed batch answer excepted).
    pub request_timeout: Duration,
    pub max_concurrency: usize,
    /// The evaluation date every receipt names (reproducible output); `None`: the day of
    /// each request.
    pub today: Option<chrono::NaiveDate>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            rules: Vec::new(),
            max_body: DEFAULT_MAX_BODY,
            body_timeout: DEFAULT_TIMEOUT,
            request_timeout: DEFAULT_TIMEOUT,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            today: None,
        }
    }
}

/// What every request shares: the checker with its packs, and the limits.
pub struct AppState {
    pub engine: Engine,
    pub config: Config,
}

impl AppState {
    /// Loads the packs: `Err` with every problem of a pack named in `config.rules`.
    pub fn new(config: Config) -> Result<AppState, Vec<Diagnostic>> {
        Ok(AppState {
            engine: Engine::new(&config.rules, config.today)?,
            config,
        })
    }
}

/// The Content-Security-Policy of every answer: nothing but this server's own styles and
/// scripts, forms posting only here, no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

async fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Nothing is stored on the server, and nothing a filing says is kept by a cache either.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    r
}

async fn not_found(req: Request) -> Response {
    let lang = api::lang_of_raw(req.uri().query());
    if req.uri().path().starts_with("/api/") {
        ApiError::not_found(lang).into_response()
    } else {
        page::not_found(lang)
    }
}

async fn method_not_allowed(req: Request) -> Response {
    let lang = api::lang_of_raw(req.uri().query());
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        lang,
        Text::new("此地址不接受该请求方法", "this method is not allowed here"),
    )
    .into_response()
}

/// The whole application: the page, the API, and the layers that protect the machine.
pub fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/check", post(api::check))
        .route("/batch", post(api::batch))
        .route("/packs", get(api::packs))
        .route("/packs/{id}", get(api::pack))
        .route("/schema", get(api::schema))
        .route("/healthz", get(api::healthz))
        .route("/openapi.json", get(api::openapi_json));
    let limit = state.config.max_body;
    let timeout = state.config.request_timeout;
    let concurrency = state.config.max_concurrency.max(1);
    Router::new()
        .route("/", get(page::index))
        .route("/check", post(page::submit))
        .route("/upload", post(page::upload))
        .route("/form", post(page::edit))
        .route("/download/filing.toml", post(page::download_toml))
        .route("/download/filing.xlsx", post(page::download_xlsx))
        .route("/template.toml", get(page::template_toml))
        .route("/template.xlsx", get(page::template_xlsx))
        .route("/assets/app.css", get(page::css))
        .route("/assets/report.css", get(page::report_css))
        .route("/assets/app.js", get(page::js))
        .nest("/api/v1", api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        // The page's forms are read by extractors: the same limit as the API's bodies.
        .layer(DefaultBodyLimit::max(limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(tower::limit::ConcurrencyLimitLayer::new(concurrency))
        .layer(axum::middleware::map_response(security_headers))
}

/// A server bound to its address, packs loaded, not yet serving.
pub struct Server {
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
}

/// Why the server could not start.
#[derive(Debug)]
pub enum StartError {
    /// A pack named at start failed to load.
    Packs(Vec<Diagnostic>),
    /// The address could not be bound.
    Bind(std::io::Error),
}

impl StartError {
    pub fn messages(&self, lang: Lang) -> Vec<String> {
        match self {
            StartError::Packs(errors) => errors.iter().map(|e| e.render(lang)).collect(),
            StartError::Bind(e) => vec![
                Text::owned(
                    format!("无法监听该地址：{e}"),
                    format!("cannot listen there: {e}"),
                )
                .get(lang)
                .to_string(),
            ],
        }
    }
}

/// Loads the packs and binds the address (inside a tokio runtime).
pub async fn start(config: Config) -> Result<Server, StartError> {
    let state = AppState::new(config).map_err(StartError::Packs)?;
    let listener = bind(state.config.addr).map_err(StartError::Bind)?;
    Ok(Server {
        listener,
        state: Arc::new(state),
    })
}

/// Connections the kernel queues before the server accepts them (capped by the system's
/// `somaxconn`): a burst of clients waits in the queue rather than being reset.
const BACKLOG: u32 = 4096;

fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.set_nodelay(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

impl Server {
    /// Where it listens (the port chosen when the address asked for port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The ids of the packs loaded.
    pub fn packs(&self) -> Vec<String> {
        self.state
            .engine
            .packs()
            .iter()
            .map(|p| p.id.clone())
            .collect()
    }

    /// Serves until `shutdown` completes, then lets requests in flight finish.
    ///
    /// Each connection is HTTP/1.1 with a deadline for its request head (`body_timeout`):
    /// a client that opens a connection and sends its headers slowly, or never, is cut off.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let head_timeout = self.state.config.body_timeout;
        let app = router(self.state);
        // Connections watch `stop` to shut down gracefully; each holds a `done` receiver, so
        // `done_tx.closed()` completes when the last one has finished.
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let (done_tx, done_rx) = tokio::sync::watch::channel(());
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let stream = tokio::select! {
                r = self.listener.accept() => match r {
                    Ok((s, _)) => s,
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                _ = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);
            let service = hyper_util::service::TowerToHyperService::new(app.clone());
            let mut stop = stop_rx.clone();
            let done = done_rx.clone();
            tokio::spawn(async move {
                let mut builder = hyper::server::conn::http1::Builder::new();
                builder
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(head_timeout);
                let conn = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
                let mut conn = std::pin::pin!(conn);
                tokio::select! {
                    _ = conn.as_mut() => {}
                    _ = stop.changed() => {
                        conn.as_mut().graceful_shutdown();
                        let _ = conn.await;
                    }
                }
                drop(done);
            });
        }
        drop(self.listener);
        let _ = stop_tx.send(true);
        drop(done_rx);
        done_tx.closed().await;
        Ok(())
    }
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
