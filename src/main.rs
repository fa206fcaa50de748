fn main() {
    std::process::exit(wagecheck::cli::main());
}
