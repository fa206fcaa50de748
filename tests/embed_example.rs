//! `examples/embed.rs` (a second front end in miniature) gives the verdicts and caps the command
//! line gives for the same filings.

#[path = "../examples/embed.rs"]
mod embed;

#[test]
fn the_embedding_example_prints_verdicts_and_caps() {
    assert_eq!(
        embed::run(),
        "form.json: pass (cap 37,296,000.00 yuan, linkage.noncompetitive_control)\n\
         02-over-cap.toml: fail (cap 16,748,000.00 yuan, linkage.growth_cap)\n"
    );
}
