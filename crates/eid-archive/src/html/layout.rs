//! The frame every page shares: the head with its Content-Security-Policy,
//! the style sheet and the script (linked from the report folder, or inline
//! and allowed by their SHA-256 for a page that stands alone), the banner
//! that says which personal-data mode the page was written under, and small
//! table helpers. Nothing here takes text from an archive unescaped.

use super::escape::Esc;
use crate::pii::Pii;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::sync::OnceLock;

/// The style sheet, `html/report.css` in a report folder.
pub(crate) const CSS: &str = include_str!("assets/report.css");
/// The script, `html/report.js` in a report folder: sorting, filtering and
/// the highlight of a feature's box. Every page is complete without it.
pub(crate) const JS: &str = include_str!("assets/report.js");

/// The policy of a page in a report folder: nothing but the folder's own
/// files and inline images; no inline script or style.
const CSP_LINKED: &str = "default-src 'none'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; base-uri 'none'; form-action 'none'";

/// Where a page finds its style sheet and script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Assets {
    /// `report.css` and `report.js` in the folder `up` leads to (`""` or `"../"`).
    Linked {
        /// The relative path from the page to the `html/` folder.
        up: &'static str,
    },
    /// Both inline, allowed by the policy through their hashes: one file.
    Inline,
}

/// `'sha256-…'` of an inline style or script, as a policy names it.
fn csp_hash(text: &str) -> String {
    format!(
        "'sha256-{}'",
        crate::base64::encode(&Sha256::digest(text.as_bytes()))
    )
}

/// The policy of a page that stands alone: its one style and one script by
/// hash, images only as data URIs. Computed once.
pub(crate) fn csp_inline() -> &'static str {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        format!(
            "default-src 'none'; img-src data:; style-src {}; script-src {}; \
             base-uri 'none'; form-action 'none'",
            csp_hash(CSS),
            csp_hash(JS)
        )
    })
}

/// The banner's words for a personal-data mode.
pub(crate) fn pii_words(pii: &Pii) -> &'static str {
    match pii {
        Pii::Full => {
            "names, document numbers, birth dates and the document images are shown as the archive holds them"
        }
        Pii::Mask => {
            "names, document numbers and birth dates are masked (M**** P****); no image was copied: boxes are drawn on an empty canvas of each image's size"
        }
        Pii::Hmac(_) => {
            "names, document numbers and birth dates are keyed pseudonyms (hmac:…); no image was copied: boxes are drawn on an empty canvas of each image's size"
        }
        Pii::Omit => {
            "no name, document number or birth date is shown, and no image was copied: boxes are drawn on an empty canvas of each image's size"
        }
    }
}

/// Opens a page: the doctype, the head, the banner and `<main>`. `nav` is
/// HTML the caller built (links with fixed targets).
pub(crate) fn open(out: &mut String, title: &str, assets: Assets, pii: &Pii, nav: &str) {
    let csp = match assets {
        Assets::Linked { .. } => CSP_LINKED,
        Assets::Inline => csp_inline(),
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"eid-audit {}\">\n\
         <title>{}</title>\n",
        env!("CARGO_PKG_VERSION"),
        Esc(title)
    );
    match assets {
        Assets::Linked { up } => {
            let _ = writeln!(
                out,
                "<link rel=\"stylesheet\" href=\"{up}report.css\">\n<script src=\"{up}report.js\" defer></script>"
            );
        }
        Assets::Inline => {
            let _ = writeln!(out, "<style>{CSS}</style>");
        }
    }
    let _ = write!(
        out,
        "</head>\n<body>\n<header class=\"top\">\n{nav}\
         <p class=\"pii\" data-pii=\"{mode}\">Personal data: <strong>--pii {mode}</strong>: {words}.</p>\n\
         </header>\n<main>\n",
        mode = pii.name(),
        words = pii_words(pii),
    );
}

/// Closes a page opened by [`open`].
pub(crate) fn close(out: &mut String, assets: Assets, pii: &Pii) {
    let _ = write!(
        out,
        "</main>\n<footer>\n<p>Written by eid-audit {} under <code>--pii {}</code>. \
         Everything shown from the archive is its own text, escaped; this page \
         loads nothing from the network.</p>\n</footer>\n",
        env!("CARGO_PKG_VERSION"),
        pii.name()
    );
    if assets == Assets::Inline {
        // At the end of the body, so that the page is there when it runs.
        let _ = writeln!(out, "<script>{JS}</script>");
    }
    out.push_str("</body>\n</html>\n");
}

/// Opens a table: its caption, its header row (`<th scope="col">`), and
/// `<tbody>`. `class` names the kind of table (`sortable` tables get
/// sorting and a filter from the script).
pub(crate) fn open_table(out: &mut String, id: &str, class: &str, caption: &str, header: &[&str]) {
    let _ = write!(
        out,
        "<div class=\"table-wrap\"><table id=\"{id}\" class=\"{class}\">\n<caption>{}</caption>\n<thead><tr>",
        Esc(caption)
    );
    for h in header {
        let _ = write!(out, "<th scope=\"col\">{}</th>", Esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
}

/// Closes a table opened by [`open_table`].
pub(crate) fn close_table(out: &mut String) {
    out.push_str("</tbody>\n</table></div>\n");
}

/// One row of escaped text cells.
pub(crate) fn text_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    out.push_str("<tr>");
    for c in cells {
        let _ = write!(out, "<td>{}</td>", Esc(c.as_ref()));
    }
    out.push_str("</tr>\n");
}

/// A status word with its colour class: the colour never stands alone.
pub(crate) fn status_badge(out: &mut String, status: &str) {
    let class = match status {
        "accepted" | "rejected" | "inconclusive" | "failed" | "error" | "warning" | "info" => {
            status
        }
        _ => "other",
    };
    let _ = write!(
        out,
        "<span class=\"badge b-{class}\">{}</span>",
        Esc(status)
    );
}

/// A section heading with an anchor id.
pub(crate) fn heading(out: &mut String, id: &str, title: &str) {
    let _ = writeln!(out, "<h2 id=\"{id}\">{}</h2>", Esc(title));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_policy_names_the_inline_assets_by_hash() {
        let csp = csp_inline();
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains(&csp_hash(CSS)) && csp.contains(&csp_hash(JS)));
        let mut page = String::new();
        open(&mut page, "t", Assets::Inline, &Pii::Omit, "");
        close(&mut page, Assets::Inline, &Pii::Omit);
        // The hashed text is exactly what sits between the tags.
        assert!(page.contains(&format!("<style>{CSS}</style>")));
        assert!(page.contains(&format!("<script>{JS}</script>")));
    }

    #[test]
    fn every_page_says_its_mode() {
        for pii in [Pii::Omit, Pii::Mask, Pii::Full, Pii::Hmac(vec![1; 16])] {
            let mut page = String::new();
            open(&mut page, "t", Assets::Linked { up: "../" }, &pii, "");
            assert!(page.contains(&format!("data-pii=\"{}\"", pii.name())));
            assert!(page.contains("Content-Security-Policy"));
        }
    }
}
