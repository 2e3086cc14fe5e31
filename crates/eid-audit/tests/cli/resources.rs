//! Every hostile input, through the binary, within its memory ceiling: 512 MB
//! for `inspect` and `report`, 1.5 GB for `crops` (one 12,000-pixel side alone
//! decodes to 432 MB). Peak memory is the child's maximum resident set, read
//! by a few lines of Python (`getrusage(RUSAGE_CHILDREN)`); the test is
//! skipped without `python3` unless EID_AUDIT_REQUIRE_TOOLS is set. Times are
//! printed, never asserted: SECURITY.md records them from a release build.

use super::root;
use std::path::{Path, PathBuf};
use std::process::Command;

const MB: u64 = 1 << 20;

/// Runs the child with its output in files, prints `exit peak-kB seconds`.
const MEASURE: &str = "\
import resource, subprocess, sys, time
t = time.monotonic()
with open(sys.argv[1], 'wb') as out, open(sys.argv[2], 'wb') as err:
    r = subprocess.run(sys.argv[3:], stdout=out, stderr=err)
print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.monotonic() - t)
";

struct Run {
    code: i32,
    peak: u64,
    seconds: f64,
    stdout: Vec<u8>,
    stderr: String,
}

fn python() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import resource"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("EID_AUDIT_REQUIRE_TOOLS").is_none(),
            "python3 is required to measure memory"
        );
        eprintln!("skipped: python3 is not installed");
    }
    ok
}

fn measured(args: &[&str], scratch: &Path) -> Run {
    let (out, err) = (scratch.join("stdout"), scratch.join("stderr"));
    let o = Command::new("python3")
        .arg("-c")
        .arg(MEASURE)
        .arg(&out)
        .arg(&err)
        .arg(env!("CARGO_BIN_EXE_eid-audit"))
        .args(args)
        .current_dir(root())
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let line = String::from_utf8(o.stdout).unwrap();
    let mut it = line.split_whitespace();
    let code = it.next().unwrap().parse().unwrap();
    let peak_kb: u64 = it.next().unwrap().parse().unwrap();
    let seconds = it.next().unwrap().parse().unwrap();
    Run {
        code,
        peak: peak_kb * 1024,
        seconds,
        stdout: std::fs::read(out).unwrap(),
        stderr: String::from_utf8(std::fs::read(err).unwrap()).unwrap(),
    }
}

/// The committed hostile set, and the large inputs built into `dir`.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("testdata/hostile"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let mut large = eid_testkit::amplify::large_set();
    large.push((
        "zip-bomb-1gib.zip",
        eid_testkit::hostile::honest_bomb((1 << 30) + (1 << 20)),
    ));
    large.push((
        "declares-100-inflates-300mb.zip",
        eid_testkit::hostile::lying_member(300 << 20),
    ));
    large.push((
        "members-10001.zip",
        eid_testkit::hostile::many_members(10_001),
    ));
    for (name, bytes) in large {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        v.push(path);
    }
    v.sort();
    v
}

/// What every run must show, whatever the input: a documented exit code,
/// no panic, nothing from the archive able to steer the terminal.
fn sane(what: &str, run: &Run) {
    assert!([0, 1, 2].contains(&run.code), "{what}: exit {}", run.code);
    assert!(!run.stderr.contains("panicked"), "{what}: {}", run.stderr);
    assert!(
        !run.stdout.contains(&0x1b),
        "{what}: an escape reached stdout"
    );
    assert!(
        !run.stderr.contains('\u{1b}'),
        "{what}: an escape reached stderr"
    );
}

#[test]
fn every_hostile_input_stays_within_its_memory_ceiling() {
    if !python() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let mut table = Vec::new();
    for path in inputs(dir.path()) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let p = path.to_str().unwrap();
        let (report, crops) = (dir.path().join("report"), dir.path().join("crops"));
        let _ = std::fs::remove_dir_all(&crops);
        let (r, c) = (report.to_str().unwrap(), crops.to_str().unwrap());
        let mut codes = Vec::new();
        for (command, args, ceiling) in [
            ("inspect", vec!["inspect", p], 512 * MB),
            ("report", vec!["report", p, "-o", r, "--force"], 512 * MB),
            ("crops", vec!["crops", p, "-o", c], 1536 * MB),
        ] {
            let run = measured(&args, scratch.path());
            let what = format!("{command} {name}");
            sane(&what, &run);
            assert!(
                run.peak < ceiling,
                "{what}: {} MB at peak, over {} MB",
                run.peak / MB,
                ceiling / MB
            );
            if command == "inspect" {
                // Errors are one line naming the archive; a text report of a
                // 9.5 KB archive is never megabytes.
                assert!(
                    run.stdout.len() < MB as usize,
                    "{what}: {} bytes",
                    run.stdout.len()
                );
                if run.code == 2 {
                    assert_eq!(run.stderr.lines().count(), 1, "{what}: {}", run.stderr);
                    assert!(run.stderr.contains(&*name), "{what}: {}", run.stderr);
                }
            }
            codes.push(run.code);
            table.push(format!(
                "{what:<60} exit {} {:>5} MB {:>6.2} s",
                run.code,
                run.peak / MB,
                run.seconds
            ));
        }
        // The same verdict, or the same refusal, whichever command reads it.
        assert!(
            codes.iter().all(|c| *c == codes[0]),
            "{name}: exits {codes:?}"
        );
    }
    eprintln!("{}", table.join("\n"));
    assert_eq!(table.len(), 3 * (38 + 5));
}

#[test]
fn two_giant_box_archives_cropped_in_parallel_stay_within_two_ceilings() {
    if !python() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let giant = std::fs::read(root().join("testdata/hostile/jpeg-11999-boxes-8.zip")).unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    for n in ["a.zip", "b.zip"] {
        std::fs::write(inputs.join(n), &giant).unwrap();
    }
    let out = dir.path().join("out");
    let run = measured(
        &[
            "report",
            inputs.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--crops",
            "--jobs",
            "2",
        ],
        scratch.path(),
    );
    sane("report --crops --jobs 2", &run);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.peak < 2 * 1536 * MB, "{} MB at peak", run.peak / MB);
    // Two crops each, the rest refused by the budget, in both.
    let findings = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert_eq!(findings.matches(",CropBudget,").count(), 12, "{findings}");
    eprintln!(
        "report --crops --jobs 2: {} MB, {:.2} s",
        run.peak / MB,
        run.seconds
    );
}

#[test]
fn escape_sequences_from_an_archive_are_shown_escaped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().to_str().unwrap();
    let path = "testdata/hostile/escape-sequences.zip";
    for args in [
        vec!["inspect", path],
        vec!["crops", path, "-o", o],
        vec!["report", path, "-o", o, "--force"],
    ] {
        let out = super::eid_audit(&args);
        let text = format!("{}{}", super::stdout(&out), super::stderr(&out));
        assert!(!text.contains('\u{1b}'), "{args:?}: {text}");
        assert!(!text.contains('\r'), "{args:?}: {text}");
        if args[0] != "report" {
            assert!(
                text.contains(r"\u{1b}[32mOK: all evidence verified\u{1b}[0m"),
                "{args:?}: {text}"
            );
        }
    }
}
