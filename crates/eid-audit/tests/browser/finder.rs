//! The index's finder: a search over every archive of the run, not only
//! the rows of one page of all archives.

use super::chromium::{Browser, Session};
use super::{load, report, root, text, work};

/// A report of more than two pages of all archives: the bundled archives
/// copied (hard-linked) into 160 folders, 2,080 archives in all, so that
/// `c159/recorded-accepted-contradicted.zip` (archive 2,079) sits on page 3.
fn three_pages() -> std::path::PathBuf {
    let input = work().join("finder-input");
    let _ = std::fs::remove_dir_all(&input);
    let mut names: Vec<String> = std::fs::read_dir(root().join("testdata"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".zip"))
        .collect();
    names.sort();
    for c in 0..160 {
        let dir = input.join(format!("c{c:03}"));
        std::fs::create_dir_all(&dir).unwrap();
        for n in &names {
            let from = root().join("testdata").join(n);
            if std::fs::hard_link(&from, dir.join(n)).is_err() {
                std::fs::copy(&from, dir.join(n)).unwrap();
            }
        }
    }
    report("finder", &[input.to_string_lossy().into_owned()], &[])
}

fn eval_list(s: &mut Session, expr: &str) -> Vec<String> {
    let v = s.eval(expr).unwrap();
    v.as_array()
        .unwrap_or_else(|| panic!("{expr}: {v}"))
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn the_finder_finds_an_archive_on_page_3_and_links_to_its_page() {
    let Some(browser) = Browser::for_tests() else {
        return;
    };
    let mut s = browser.launch().expect("the browser starts");
    let report = three_pages();
    let html = report.join("html");
    assert!(html.join("archives-3.html").is_file(), "three pages");
    let page3 = std::fs::read_to_string(html.join("archives-3.html")).unwrap();
    assert!(page3.contains("c159/recorded-accepted-contradicted.zip"));
    load(&mut s, &report, "index.html").assert_clean("index");
    // Every word typed must be in the row, anywhere.
    s.eval(
        "(() => { const i = document.getElementById('find-input'); \
         i.value = 'c159 contradicted'; i.dispatchEvent(new Event('input')); })()",
    )
    .unwrap();
    let found = eval_list(
        &mut s,
        "Array.from(document.querySelectorAll('#find-table tbody a')).map(a => a.getAttribute('href') + ' ' + a.textContent)",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("a/002078.html ")
            && found[0].ends_with("c159/recorded-accepted-contradicted.zip"),
        "{found:?}"
    );
    assert_eq!(
        text(&mut s, "document.getElementById('find-count').textContent"),
        "1 of 2080 archives found"
    );
    // The disagreements of every page at once, sorted by the reviewer.
    s.eval(
        "(() => { const i = document.getElementById('find-input'); \
         i.value = 'contradicted'; i.dispatchEvent(new Event('input')); \
         const b = document.getElementById('find-sort'); b.value = '1'; \
         b.dispatchEvent(new Event('change')); })()",
    )
    .unwrap();
    let found = eval_list(
        &mut s,
        "Array.from(document.querySelectorAll('#find-table tbody a')).map(a => a.textContent)",
    );
    assert_eq!(found.len(), 160);
    let mut sorted = found.clone();
    sorted.sort();
    assert_eq!(found, sorted, "sorted by archive");
    // The link leads to the archive's own page.
    load(&mut s, &report, "a/002078.html").assert_clean("a/002078.html");
    assert_eq!(
        text(&mut s, "document.querySelector('.verdict').dataset.agrees"),
        "false"
    );
}
