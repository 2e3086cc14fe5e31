//! One archive's exhibits into a folder of exhibits (`eid-audit crops`),
//! never mixed with another archive's: written into a fresh folder of their
//! own, then moved into place whole under the process id, else the process
//! id and the first 12 hex digits of the archive's SHA-256 (as a report
//! names them); refused when both names are taken. An archive with nothing
//! to write leaves no folder.

use super::{CropOptions, Crops, safe_component, write_staged};
use crate::archive::Archive;
use crate::audit::Audit;
use crate::error::OutputError;
use crate::fsio;
use std::fs;
use std::path::Path;

/// Writes the exhibits of an audited archive into a folder of its own under
/// `root` (created if needed; a symbolic link is refused) and returns them,
/// `Crops::folder` naming that folder.
pub fn write_into(
    archive: &mut Archive,
    audit: &Audit,
    root: &Path,
    options: &CropOptions,
) -> Result<Crops, OutputError> {
    fsio::ensure_dir(root)?;
    let base = safe_component(&audit.process_id);
    let sha = &audit.archive.fingerprint.sha256;
    let names = [
        base.clone(),
        format!("{base}-{}", &sha[..sha.len().min(12)]),
    ];
    let Some(name) = names
        .iter()
        .find(|n| fs::symlink_metadata(root.join(n)).is_err())
    else {
        return Err(OutputError::Taken {
            path: root.join(&names[1]),
        });
    };
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.partial-"))
        .tempdir_in(root)
        .map_err(OutputError::io(root))?;
    let own = staging.path().join(name);
    let mut crops = write_staged(archive, audit, &own, options)?;
    let empty = fs::read_dir(&own)
        .map_err(OutputError::io(&own))?
        .next()
        .is_none();
    crops.folder = name.clone();
    if !empty {
        let to = root.join(name);
        // Another run may have taken the name meanwhile: never replace it.
        if fs::symlink_metadata(&to).is_ok() {
            return Err(OutputError::Taken { path: to });
        }
        fs::rename(&own, &to).map_err(OutputError::io(&to))?;
    }
    Ok(crops)
}
