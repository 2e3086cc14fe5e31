//! Prints the sizes of a realistic corpus archive's media (for tuning the texture).
fn main() {
    let options = eid_testkit::corpus::CorpusOptions {
        count: 1,
        seed: 1,
        realistic: true,
        broken_every: None,
        layout: Default::default(),
    };
    for i in 0..6 {
        let (case, kind, _) = eid_testkit::corpus::case(i, &options);
        let sizes: Vec<String> = case
            .members()
            .iter()
            .map(|(n, b)| format!("{n}={}KB", b.len() / 1024))
            .collect();
        println!("{kind}: {}", sizes.join(" "));
    }
}
