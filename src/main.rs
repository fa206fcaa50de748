// Filings are evaluated in many small allocations (values, messages, reports): mimalloc's
// thread-local free lists make them much cheaper than the system allocator, above all in
// `batch`, where every core allocates at once.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = wagecheck::cli::main();
    // `cli::main` has flushed stdout (its `finish`) and stderr is unbuffered. On Unix the
    // process ends at once: `exit`'s handlers would only hand the allocator's memory back to
    // the system page by page (mimalloc's own exit handler), work the kernel does anyway.
    #[cfg(unix)]
    {
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        // SAFETY: `_exit` ends the process; nothing runs after it.
        unsafe { libc::_exit(code) }
    }
    #[cfg(not(unix))]
    std::process::exit(code);
}
