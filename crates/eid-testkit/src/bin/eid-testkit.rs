//! `eid-testkit testdata DIR`: writes the bundled test archives.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd, dir] if cmd == "testdata" => {
            let dir = PathBuf::from(dir);
            if let Err(e) = std::fs::create_dir_all(&dir) {
                eprintln!("{}: {e}", dir.display());
                return ExitCode::from(2);
            }
            for case in eid_testkit::Case::testdata() {
                match case.write_to(&dir) {
                    Ok(path) => println!("{}", path.display()),
                    Err(e) => {
                        eprintln!("{}: {e}", dir.display());
                        return ExitCode::from(2);
                    }
                }
            }
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: eid-testkit testdata DIR");
            ExitCode::from(2)
        }
    }
}
