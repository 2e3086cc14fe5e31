//! `report --html` and `inspect --format html` without a browser: the page
//! of one archive pinned by a snapshot, personal data under each mode, the
//! images copied only under `full` and then verbatim, and every link of the
//! folder leading to a file inside it. The browser tests (`tests/browser/`)
//! look at the same pages as a person would.

use super::{eid_audit, root, stderr, stdout, testdata};
use std::collections::BTreeSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};

#[test]
fn the_single_page_of_the_bundled_accepted_archive() {
    let out = eid_audit(&["inspect", "testdata/accepted.zip", "--format", "html"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    // The page states its version; the snapshot does not depend on it.
    let page = page.replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
    insta::assert_snapshot!(page);
}

#[test]
fn the_single_page_has_every_part() {
    let out = eid_audit(&[
        "inspect",
        "testdata/recorded-accepted-contradicted.zip",
        "--format",
        "html",
    ]);
    // The exit code follows the verdict, as for the text.
    assert_eq!(out.status.code(), Some(1));
    let page = stdout(&out);
    for part in [
        "00000000-0000-4000-8000-000000000009  REJECTED  (recorded accepted: DISAGREES)",
        "id=\"reasons\"",
        "id=\"review\"",
        "id=\"checks\"",
        "id=\"features-table\"",
        "id=\"findings-table\"",
        "id=\"media-table\"",
        "id=\"members-table\"",
        "id=\"policy\"",
        "data-pii=\"omit\"",
        "<svg",
        "http-equiv=\"Content-Security-Policy\"",
    ] {
        assert!(page.contains(part), "no {part}");
    }
    // One file: nothing linked, no inline handler, no unsafe-inline.
    assert!(!page.contains("<link") && !page.contains("src=\""));
    assert!(!page.contains("unsafe-inline") && !page.contains(" onclick"));
    // Every member is hashed for the manifest.
    assert!(!page.contains("not computed"));
}

/// The personal values of the bundled archives, as `--pii full` shows them.
fn personal_values() -> BTreeSet<String> {
    let mut values = BTreeSet::new();
    fn walk(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    let personal = [
                        "firstName",
                        "lastName",
                        "documentNumber",
                        "dateOfBirth",
                        "personalIdentificationNumber",
                    ];
                    if let (true, Some(s)) = (personal.contains(&k.as_str()), x.as_str())
                        && s.len() > 3
                    {
                        out.insert(s.to_owned());
                    }
                    walk(x, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    for zip in testdata() {
        let o = eid_audit(&["inspect", &zip, "--format", "json", "--pii", "full"]);
        walk(&serde_json::from_slice(&o.stdout).unwrap(), &mut values);
    }
    assert!(values.contains("X00000001") && values.contains("1990-04-29"));
    values
}

/// `report testdata/*.zip --html` under `pii`, into a temporary folder.
fn html_report(pii: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let out_s = out.to_str().unwrap().to_owned();
    let mut args = vec!["report"];
    let zips = testdata();
    args.extend(zips.iter().map(String::as_str));
    args.extend(["--out", &out_s, "--html", "--quiet", "--pii", pii]);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_eid-audit"))
        .args(&args)
        .current_dir(root())
        .env("EID_AUDIT_PII_KEY", "a key of sixteen bytes or more")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    (dir, out.join("html"))
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn pages_text(html: &Path) -> String {
    files(html)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

#[test]
fn under_omit_no_personal_value_and_no_image_is_written() {
    let values = personal_values();
    for pii in ["omit", "mask", "hmac"] {
        let (_tmp, html) = html_report(pii);
        let all = files(&html);
        assert!(
            all.iter().all(|p| p
                .extension()
                .is_some_and(|e| ["html", "css", "js"].contains(&e.to_str().unwrap()))),
            "{pii}: {all:?}"
        );
        let text = pages_text(&html);
        for v in &values {
            assert!(!text.contains(v.as_str()), "{pii}: {v} is written");
        }
        assert!(text.contains(&format!("data-pii=\"{pii}\"")));
        // Every page says its mode.
        for p in all
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
        {
            let page = std::fs::read_to_string(p).unwrap();
            assert!(
                page.contains(&format!("<strong>--pii {pii}</strong>")),
                "{}",
                p.display()
            );
        }
        match pii {
            "mask" => assert!(text.contains("*****001"), "a masked number is shown"),
            "hmac" => assert!(text.contains("hmac:"), "a pseudonym is shown"),
            _ => assert!(text.contains("(omitted: --pii omit)")),
        }
    }
}

#[test]
fn under_full_the_images_are_copied_verbatim_and_shown() {
    let (_tmp, html) = html_report("full");
    let text = pages_text(&html);
    assert!(text.contains("X00000001"));
    // accepted.zip is the first input: its front image beside its page.
    let copy = std::fs::read(html.join("a/000000-front.jpeg")).unwrap();
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(root().join("testdata/accepted.zip")).unwrap())
            .unwrap();
    let mut member = Vec::new();
    zip.by_name("front.jpeg")
        .unwrap()
        .read_to_end(&mut member)
        .unwrap();
    assert_eq!(copy, member, "the copy is the member's bytes");
    let page = std::fs::read_to_string(html.join("a/000000.html")).unwrap();
    assert!(page.contains("href=\"000000-front.jpeg\""));
    // png-media.zip's images keep their format.
    assert!(
        files(&html)
            .iter()
            .any(|p| p.to_string_lossy().ends_with("-front.png"))
    );
}

#[test]
fn every_link_leads_to_a_file_of_the_folder() {
    let (_tmp, html) = html_report("full");
    let mut checked = 0;
    for page in files(&html)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
    {
        let text = std::fs::read_to_string(page).unwrap();
        for attr in ["href=\"", "src=\""] {
            for part in text.split(attr).skip(1) {
                let target = part.split('"').next().unwrap();
                let file = target.split('#').next().unwrap();
                if file.is_empty() || target.starts_with("data:") {
                    continue;
                }
                assert!(
                    !file.contains(':') && !file.starts_with('/'),
                    "{}: {target}",
                    page.display()
                );
                let resolved = page.parent().unwrap().join(file);
                assert!(
                    resolved.is_file(),
                    "{}: {target} leads nowhere",
                    page.display()
                );
                assert!(
                    resolved
                        .canonicalize()
                        .unwrap()
                        .starts_with(html.canonicalize().unwrap()),
                    "{}: {target} leaves the folder",
                    page.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} links");
}

#[test]
fn the_html_folder_is_part_of_the_report() {
    let (_tmp, html) = html_report("omit");
    let report = html.parent().unwrap();
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report.join("run.json")).unwrap()).unwrap();
    let outputs: Vec<&str> = run["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    for f in [
        "html/index.html",
        "html/archives-1.html",
        "html/a/000000.html",
        "html/report.js",
    ] {
        assert!(outputs.contains(&f), "{f} not in run.json");
    }
    // A second run without --html replaces the whole report, html/ included.
    let o = eid_audit(&[
        "report",
        "testdata/accepted.zip",
        "--out",
        report.to_str().unwrap(),
        "--force",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!html.exists());
}

/// `report ARGS --out DIR/r --html --quiet`, which must exit `code`; the
/// temporary folder (kept alive by the caller) and the report folder.
fn html_of(args: &[&str], code: i32) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend(["--out", out.to_str().unwrap(), "--html", "--quiet"]);
    let o = eid_audit(&all);
    assert_eq!(o.status.code(), Some(code), "{}", stderr(&o));
    (dir, out)
}

#[test]
fn an_archive_that_cannot_be_read_has_its_page_and_is_listed_first() {
    let (_dir, out) = html_of(
        &["testdata/accepted.zip", "testdata/hostile/truncated.zip"],
        2,
    );
    let html = out.join("html");
    let index = std::fs::read_to_string(html.join("index.html")).unwrap();
    assert!(index.contains("data-count=\"errors\">1<"));
    let listed = index.split("id=\"errors-table\"").nth(1).unwrap();
    assert!(listed.contains("href=\"a/000001.html\">testdata/hostile/truncated.zip</a>"));
    let page = std::fs::read_to_string(html.join("a/000001.html")).unwrap();
    assert!(page.contains(
        "testdata/hostile/truncated.zip: truncated zip archive: it begins with zip entries"
    ));
    assert!(page.contains("data-pii=\"omit\""));
}

#[test]
fn an_archive_with_a_member_that_fails_its_check_is_listed_among_the_integrity_failures() {
    let (_dir, out) = html_of(
        &[
            "testdata/accepted.zip",
            "testdata/hostile/video-declares-1gb.zip",
            "testdata/agent-override.zip",
            "--hash-members",
        ],
        2,
    );
    let index = std::fs::read_to_string(out.join("html/index.html")).unwrap();
    assert!(index.contains("href=\"#integrity\">Integrity failures</a>"));
    let section = index
        .split("id=\"integrity\"")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    assert!(section.contains("Integrity failures (1)"), "{section}");
    // Exactly the one archive, linked to its page, with what fails.
    assert_eq!(section.matches("<tr class=\"listed\">").count(), 1);
    assert!(
        section.contains("href=\"a/000002.html\">testdata/hostile/video-declares-1gb.zip</a>"),
        "{section}"
    );
    assert!(section.contains("MemberCorrupt video.mp4: the member fails its integrity check"));
    assert!(!section.contains("accepted.zip<"), "{section}");
}

#[test]
fn an_archive_page_answers_why_first_with_banners_and_folds_a_side_with_no_feature() {
    let (_dir, out) = html_of(
        &[
            "testdata/agent-accepted-expired.zip",
            "testdata/hostile/video-declares-1gb.zip",
            "testdata/rejected-expired.zip",
            "testdata/accepted.zip",
            "--hash-members",
        ],
        2,
    );
    let page = |n: usize| std::fs::read_to_string(out.join(format!("html/a/{n:06}.html"))).unwrap();
    let banners = |html: &str| -> Vec<String> {
        html.split("data-banner=\"")
            .skip(1)
            .map(|b| b.split('"').next().unwrap().to_owned())
            .collect()
    };
    // Inputs are taken in path order: accepted, agent-accepted-expired,
    // hostile/video-declares-1gb, rejected-expired.
    // The agent accepted an expired document: both said first.
    let expired_override = page(1);
    assert_eq!(banners(&expired_override), ["override", "expired"]);
    assert!(expired_override.contains("Expired document: the document expired on 2021-01-01"));
    assert_eq!(banners(&page(2)), ["integrity"]);
    assert!(page(2).contains("Integrity failure: MemberCorrupt video.mp4: "));
    // A failed nonExpired check, with the date behind it.
    assert_eq!(banners(&page(3)), ["expired"]);
    assert!(
        page(3).contains("the nonExpired check is not valid (date of expiry 2020-07-08)"),
        "{}",
        page(3)
    );
    assert!(
        banners(&page(0)).is_empty(),
        "a clean archive has no banner"
    );
    // Why first: the reasons, the review and the findings come before the
    // sides, and the sides before the tables of evidence.
    for n in 0..4 {
        let html = page(n);
        let at = |id: &str| {
            html.find(&format!("id=\"{id}\""))
                .unwrap_or_else(|| panic!("{id} on page {n}"))
        };
        assert!(at("verdict") < at("reasons"), "page {n}");
        assert!(at("reasons") < at("review"), "page {n}");
        assert!(at("review") < at("findings"), "page {n}");
        assert!(at("findings") < at("features"), "page {n}");
        assert!(at("sides") < at("judged"), "page {n}");
    }
    // rejected-expired.zip lists no feature: both its sides are folded;
    // the sides features sit on are not.
    let folded = page(3);
    for side in ["front", "back"] {
        let fold = format!("<details class=\"sheet-fold\" id=\"fold-{side}\">");
        assert!(folded.contains(&fold), "{folded}");
    }
    assert!(page(1).contains("id=\"sheet-front\""));
    assert!(!page(1).contains("sheet-fold"));
}

#[test]
fn the_index_lists_the_agent_overrides_and_the_archives_with_an_error_finding() {
    let files = super::testdata();
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let (_dir, out) = html_of(&args, 1);
    let index = std::fs::read_to_string(out.join("html/index.html")).unwrap();
    let section = |id: &str| -> Vec<String> {
        let s = index
            .split(&format!("<h2 id=\"{id}\""))
            .nth(1)
            .unwrap_or_else(|| panic!("section {id}"));
        let s = s.split("<h2 ").next().unwrap();
        s.split("<tr class=\"listed\">")
            .skip(1)
            .map(|r| {
                r.split("\">")
                    .nth(1)
                    .unwrap()
                    .split('<')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };
    // Exactly the archives archives.csv and findings.csv say.
    let findings = super::record::rows(&out.join("findings.csv"));
    let mut overrides: Vec<String> = findings
        .iter()
        .filter(|f| f["code"] == "AgentOverride")
        .map(|f| f["archive"].clone())
        .collect();
    overrides.dedup();
    assert_eq!(overrides.len(), 2, "{overrides:?}");
    assert_eq!(section("overrides"), overrides);
    let mut errors: Vec<String> = findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["archive"].clone())
        .collect();
    errors.dedup();
    assert!(!errors.is_empty());
    assert_eq!(section("error-findings"), errors);
    assert!(index.contains("Agent overrides (2)"), "{index}");
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    // The list of all archives says who reviewed and what the automatic
    // verification said.
    let list = std::fs::read_to_string(out.join("html/archives-1.html")).unwrap();
    assert!(list.contains("<th scope=\"col\">Automatic</th>"), "{list}");
    assert!(list.contains("<th scope=\"col\">Reviewer</th>"), "{list}");
    let row = list
        .lines()
        .find(|l| l.contains("testdata/agent-override.zip"))
        .unwrap();
    assert!(row.contains("<td>inconclusive</td><td>yes</td>"), "{row}");
    assert!(row.contains("<td>agent-0042</td>"), "{row}");
    assert_eq!(run["summary"]["agentOverrides"], 2);
    // Each listed archive's page leads to the one before and after it in
    // its list: the two overrides are archives 2 and 3 (pages 1 and 2).
    let page = |n: usize| std::fs::read_to_string(out.join(format!("html/a/{n:06}.html"))).unwrap();
    let nav = |html: &str, list: &str| -> String {
        let mark = format!("<nav class=\"list-nav\" aria-label=\"{list}\">");
        let at = html.find(&mark).unwrap_or_else(|| panic!("{list}: {html}"));
        html[at..].split("</nav>").next().unwrap().to_owned()
    };
    let first = nav(&page(1), "Agent overrides");
    assert!(first.contains("Agent overrides</a> 1 of 2"), "{first}");
    assert!(
        first
            .contains("<a rel=\"next\" href=\"000002.html\">next: testdata/agent-override.zip</a>")
    );
    assert!(!first.contains("rel=\"prev\""));
    let second = nav(&page(2), "Agent overrides");
    assert!(second.contains(
        "<a rel=\"prev\" href=\"000001.html\">previous: testdata/agent-accepted-expired.zip</a>"
    ));
    assert!(!second.contains("rel=\"next\""));
    assert!(!page(0).contains("list-nav"), "an archive in no list");
    // The footer says what made the report, and where the rest is.
    let record = index
        .lines()
        .find(|l| l.starts_with("<p class=\"run-record\""))
        .unwrap();
    assert!(
        record.contains(&format!(
            "This report: eid-audit {}",
            env!("CARGO_PKG_VERSION")
        )),
        "{record}"
    );
    assert!(record.contains(", run started 20"), "{record}");
    assert!(record.contains("<code>run.json</code>, in the report folder"));
    // The glossary explains every code the report shows, from the rules.
    let glossary = index.split("<h2 id=\"glossary\"").nth(1).unwrap();
    for code in [
        "SecurityCheckFailed",
        "ManualRejection",
        "AgentOverride",
        "MemberCorrupt",
    ] {
        assert!(
            glossary.contains(&format!("<tr id=\"code-{code}\">")),
            "{code}"
        );
    }
    assert!(glossary.contains(
        "<td><code>nonExpired</code> is valid though the document expired before the verification day"
    ));
    assert_eq!(run["summary"]["errorFindingArchives"], errors.len());
}
