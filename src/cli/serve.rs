//! `serve`: starts the server, says where it listens and with which packs, and stops on
//! SIGINT or SIGTERM after the requests in flight are answered.

use std::net::SocketAddr;
use std::time::Duration;

use crate::diag::Lang;
use crate::serve::{self, Config};

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default; `0.0.0.0:8080` listens on every interface.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Extra rule packs (ids or paths) loaded at start, besides the built-in ones; requests
    /// name them with `?rules=ID`.
    #[arg(long, num_args = 1..)]
    pub rules: Vec<String>,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = serve::DEFAULT_MAX_BODY)]
    pub max_body: usize,
    /// Seconds a request (and its body) may take.
    #[arg(long, default_value_t = serve::DEFAULT_TIMEOUT.as_secs())]
    pub timeout: u64,
    /// Requests handled at once; more wait their turn.
    #[arg(long, default_value_t = serve::DEFAULT_MAX_CONCURRENCY)]
    pub max_concurrency: usize,
    /// Language of the start-up messages.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: Lang,
}

pub fn run(args: ServeArgs) -> i32 {
    let zh = args.lang.is_zh();
    let config = Config {
        addr: args.addr,
        rules: args.rules,
        max_body: args.max_body.max(1),
        body_timeout: Duration::from_secs(args.timeout.max(1)),
        request_timeout: Duration::from_secs(args.timeout.max(1)),
        max_concurrency: args.max_concurrency.max(1),
        // As for every command: `WAGECHECK_TODAY` pins the receipts' date; else each
        // request is dated the day it is checked.
        today: std::env::var("WAGECHECK_TODAY")
            .ok()
            .map(|_| crate::cli::evaluation_date()),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("wagecheck serve: {e}");
            return 2;
        }
    };
    runtime.block_on(async move {
        if !config.addr.ip().is_loopback() {
            eprintln!(
                "{}",
                if zh {
                    format!(
                        "注意：监听 {}，其他计算机也能访问本服务；仅在可信的内网中这样做",
                        config.addr
                    )
                } else {
                    format!(
                        "warning: listening on {}, reachable from other machines; do this only on a trusted network",
                        config.addr
                    )
                }
            );
        }
        let server = match serve::start(config).await {
            Ok(s) => s,
            Err(e) => {
                for m in e.messages(args.lang) {
                    eprintln!("{m}");
                }
                return 2;
            }
        };
        let addr = server
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let packs = server.packs().join(", ");
        if zh {
            eprintln!("wagecheck serve：在 http://{addr}/ 监听（API：/api/v1）；规则包：{packs}");
        } else {
            eprintln!("wagecheck serve: listening on http://{addr}/ (API: /api/v1); rule packs: {packs}");
        }
        match server.run(serve::shutdown_signal()).await {
            Ok(()) => {
                eprintln!("{}", if zh { "已停止" } else { "stopped" });
                0
            }
            Err(e) => {
                eprintln!("wagecheck serve: {e}");
                2
            }
        }
    })
}
