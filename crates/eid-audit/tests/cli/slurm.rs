//! The Slurm recipe of docs/scheduling.md run under a real Slurm: each test
//! starts a throw-away single-node cluster of its own with
//! examples/slurm/cluster.sh (on free ports, its configuration passed by
//! SLURM_CONF, so a cluster the machine already has is never used), submits
//! examples/slurm/submit.sh, and reads the jobs with `scontrol`. SKIP
//! without Debian's slurm-wlm and munge, or without root (slurmd needs it),
//! unless EID_AUDIT_REQUIRE_SLURM is set (CI sets it and installs them).

use super::merge::{assert_same_report, run_json, store};
use super::{eid_audit, root, stderr};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The programs the cluster and the recipe need.
const PROGRAMS: [&str; 6] = [
    "sbatch",
    "scontrol",
    "slurmctld",
    "slurmd",
    "munged",
    "mungekey",
];

/// Why this machine cannot start a cluster, if it cannot.
fn missing() -> Option<String> {
    for p in PROGRAMS {
        let found = Command::new("sh")
            .args(["-c", "command -v \"$1\"", "sh", p])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            return Some(format!(
                "{p} is not installed (apt-get install slurm-wlm munge)"
            ));
        }
    }
    let uid = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("slurmd needs root".to_owned());
    }
    None
}

/// A running throw-away cluster, stopped when dropped (also when a test
/// fails: its daemons must not outlive the test).
struct Cluster {
    dir: tempfile::TempDir,
}

impl Cluster {
    /// Starts one, or prints SKIP and gives None when this machine cannot.
    fn start() -> Option<Cluster> {
        if let Some(why) = missing() {
            assert!(
                std::env::var_os("EID_AUDIT_REQUIRE_SLURM").is_none(),
                "Slurm is required: {why}"
            );
            eprintln!("SKIP: {why}");
            return None;
        }
        let cluster = Cluster {
            dir: tempfile::tempdir().unwrap(),
        };
        let free = eid_testkit::s3::free_port;
        let o = cluster
            .script("cluster.sh")
            .arg("start")
            .arg(cluster.dir.path())
            .env("SLURMCTLD_PORT", free().to_string())
            .env("SLURMD_PORT", free().to_string())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", cluster.logs(&o));
        Some(cluster)
    }

    /// A Slurm command of this cluster, with none of the caller's Slurm
    /// settings (a test run inside a Slurm job has SLURM_* and SBATCH_*).
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy();
            if ["SLURM_", "SBATCH_", "SQUEUE_", "SCONTROL_"]
                .iter()
                .any(|p| k.starts_with(p))
            {
                c.env_remove(&*k);
            }
        }
        c.env("SLURM_CONF", self.dir.path().join("slurm.conf"))
            .stdin(Stdio::null());
        c
    }

    fn script(&self, name: &str) -> Command {
        self.command(root().join("examples/slurm").join(name))
    }

    /// The output of a failed command and the daemons' logs, for a message.
    fn logs(&self, o: &Output) -> String {
        let mut s = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        for log in ["slurmctld.log", "slurmd.log", "munged.log"] {
            let text = std::fs::read_to_string(self.dir.path().join("log").join(log));
            s += &format!("\n--- {log}\n{}", text.unwrap_or_default());
        }
        s
    }

    /// Submits the audit of `store` in `n` shards into `out`: the array job
    /// id and the merge job id.
    fn submit(&self, store: &Path, out: &Path, n: u32) -> (String, String) {
        let o = self
            .script("submit.sh")
            .args([store, out])
            .arg(n.to_string())
            .env("EID_AUDIT", env!("CARGO_BIN_EXE_eid-audit"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", self.logs(&o));
        let ids = String::from_utf8(o.stdout).unwrap();
        let (array, merge) = ids.trim().split_once(' ').expect("two job ids");
        (array.to_owned(), merge.to_owned())
    }

    /// The records `scontrol` shows of a job (one per array task once the
    /// tasks have started), as maps of field to value.
    fn show(&self, job: &str) -> Vec<BTreeMap<String, String>> {
        let o = self
            .command("scontrol")
            .args(["--oneliner", "show", "job", job])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", self.logs(&o));
        String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(|line| {
                line.split_whitespace()
                    .filter_map(|f| f.split_once('='))
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect()
            })
            .collect()
    }

    /// Waits until every record of `job` is settled: finished, or pending on
    /// a dependency that can never be satisfied. The limit only keeps a
    /// wedged cluster from hanging the test; these jobs take seconds.
    fn wait(&self, job: &str) -> Vec<BTreeMap<String, String>> {
        let start = Instant::now();
        loop {
            let records = self.show(job);
            if records.iter().all(settled) {
                return records;
            }
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "job {job} not finished: {records:?}\n{}",
                self.logs(&self.command("squeue").output().unwrap())
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self
            .script("cluster.sh")
            .arg("stop")
            .arg(self.dir.path())
            .output();
    }
}

fn settled(r: &BTreeMap<String, String>) -> bool {
    let state = r.get("JobState").map_or("", String::as_str);
    let never = r
        .get("Reason")
        .is_some_and(|x| x == "DependencyNeverSatisfied");
    matches!(
        state,
        "COMPLETED"
            | "FAILED"
            | "CANCELLED"
            | "TIMEOUT"
            | "NODE_FAIL"
            | "PREEMPTED"
            | "BOOT_FAIL"
            | "DEADLINE"
            | "OUT_OF_MEMORY"
    ) || (state == "PENDING" && never)
}

/// The array tasks' (JobState, ExitCode), by task number.
fn tasks(records: &[BTreeMap<String, String>]) -> BTreeMap<u32, (String, String)> {
    let mut out = BTreeMap::new();
    for r in records {
        let task: u32 = r["ArrayTaskId"].parse().expect("one task a record");
        let prev = out.insert(task, (r["JobState"].clone(), r["ExitCode"].clone()));
        assert!(prev.is_none(), "task {task} twice");
    }
    out
}

/// A log the jobs wrote, for a message.
fn log(out: &Path, name: &str) -> String {
    std::fs::read_to_string(out.join("logs").join(name)).unwrap_or_default()
}

/// A generated store plus the bundled archive whose recorded status its
/// evidence contradicts (the generated ones may hold more such).
fn store_with_disagreement(tmp: &Path) -> PathBuf {
    let store = store(tmp, 12, false, false);
    std::fs::copy(
        root().join("testdata/recorded-accepted-contradicted.zip"),
        store.join("recorded-accepted-contradicted.zip"),
    )
    .unwrap();
    store
}

#[test]
fn slurm_array_job_with_fail_on_error_then_afterok_merge_equals_one_run() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let store = store_with_disagreement(tmp.path());
    let single = tmp.path().join("single");
    let one = eid_audit(&[
        "report",
        store.to_str().unwrap(),
        "--out",
        single.to_str().unwrap(),
        "--fail-on",
        "error",
        "-q",
    ]);
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    let disagreements = &run_json(&single)["summary"]["disagreements"];
    assert!(disagreements.as_u64().unwrap() >= 1, "{disagreements}");

    let out = tmp.path().join("out");
    let (array, merge) = cluster.submit(&store, &out, 4);
    let shards = tasks(&cluster.wait(&array));
    // Every shard exits 0, the one holding the disagreement too: under
    // --fail-on error a disagreement is a finding, not a failed job.
    let done = ("COMPLETED".to_owned(), "0:0".to_owned());
    for k in 1..=4 {
        assert_eq!(
            shards.get(&k),
            Some(&done),
            "task {k}:\n{}",
            log(&out, &format!("shard-{k}.out"))
        );
    }
    let merged = cluster.wait(&merge);
    assert_eq!(merged.len(), 1);
    assert_eq!(
        (
            merged[0]["JobState"].as_str(),
            merged[0]["ExitCode"].as_str()
        ),
        ("COMPLETED", "0:0"),
        "{}",
        log(&out, "merge.out")
    );
    let report = out.join("merged");
    assert_same_report(&single, &report, false);
    let run = run_json(&report);
    assert_eq!(run["merged"]["shards"].as_array().unwrap().len(), 4);
    assert_eq!(&run["summary"]["disagreements"], disagreements);
}

#[test]
fn slurm_shard_that_exits_2_leaves_the_afterok_merge_never_run() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path(), 12, false, false);
    // Unreadable input is exit 2 under --fail-on error too: the same input
    // fails again, so the merge must not run on it.
    std::fs::write(store.join("broken.zip"), b"not a zip").unwrap();
    let out = tmp.path().join("out");
    let (array, merge) = cluster.submit(&store, &out, 4);
    let shards = tasks(&cluster.wait(&array));
    assert_eq!(shards.len(), 4, "{shards:?}");
    let failed: Vec<_> = shards.iter().filter(|(_, s)| s.0 != "COMPLETED").collect();
    assert_eq!(
        failed.len(),
        1,
        "one shard holds the broken archive: {shards:?}"
    );
    assert_eq!(failed[0].1, &("FAILED".to_owned(), "2:0".to_owned()));
    for (k, s) in &shards {
        assert!(s.0 == "FAILED" || s.1 == "0:0", "task {k}: {s:?}");
    }
    let m = cluster.wait(&merge);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["Reason"], "DependencyNeverSatisfied", "{m:?}");
    // submit.sh asks for --kill-on-invalid-dep: cancelled, not left pending.
    assert_eq!(m[0]["JobState"], "CANCELLED", "{m:?}");
    assert!(!out.join("merged").exists());
    assert!(!out.join("logs/merge.out").exists());
}
