// Filings are evaluated in many small allocations (values, messages, reports): mimalloc's
// thread-local free lists make them much cheaper than the system allocator, above all in
// `batch`, where every core allocates at once.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(wagecheck::cli::main());
}
