//! Stable words as types. Every code the tool writes (statuses, reason and
//! finding codes, media formats, dialects, ...) is an enum whose spelling lives
//! in one place: `as_str`, `Display`, `Serialize` and parsing all read it, so
//! the text, JSON and CSV outputs can never spell one code two ways.

/// Declares a fieldless enum with one spelling per variant, and derives
/// `as_str`, `ALL`, `Display`, `Serialize` and `parse` (exact spelling) from it.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable spelling, as written in every output.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The variant spelled exactly `text`, if any.
            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

pub(crate) use string_enum;

/// The separator of multi-valued cells (`reasons`, `checks_failed`, ...).
pub(crate) const SEPARATOR: &str = "; ";

/// Values joined into one cell with [`SEPARATOR`], each value's `%` and `;`
/// written `%25` and `%3B`: a name that holds `; ` (`nonExpired;
/// SecurityCheckFailed/x`) stays one value, so splitting on `; ` gives back
/// exactly the values joined, and a name can never forge another entry.
pub(crate) fn join_values<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> String {
    let mut out = String::new();
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            out.push_str(SEPARATOR);
        }
        for c in v.as_ref().chars() {
            match c {
                '%' => out.push_str("%25"),
                ';' => out.push_str("%3B"),
                c => out.push(c),
            }
        }
    }
    out
}

/// The values of a cell [`join_values`] wrote, unescaped; none for an empty
/// cell (so one empty value cannot be told from no value, as in the CSV).
pub(crate) fn split_values(cell: &str) -> impl Iterator<Item = String> + '_ {
    cell.split(SEPARATOR)
        .filter(move |_| !cell.is_empty())
        .map(|v| {
            if v.contains('%') {
                v.replace("%3B", ";").replace("%25", "%")
            } else {
                v.to_owned()
            }
        })
}

/// Lower-case hex of bytes (digests).
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod join_tests {
    use super::*;

    #[test]
    fn joined_values_split_back_exactly() {
        let values = [
            "SecurityCheckFailed/nonExpired; SecurityCheckFailed/forged",
            "50%",
            "plain",
        ];
        let cell = join_values(values);
        assert_eq!(
            cell,
            "SecurityCheckFailed/nonExpired%3B SecurityCheckFailed/forged; 50%25; plain"
        );
        let back: Vec<String> = split_values(&cell).collect();
        assert_eq!(back, values);
        assert_eq!(split_values("").count(), 0);
        assert_eq!(split_values("%253B").collect::<Vec<_>>(), ["%3B"]);
        assert_eq!(join_values(["a", "b"]), "a; b");
        assert_eq!(join_values(Vec::<String>::new()), "");
    }
}

#[cfg(test)]
mod tests {
    string_enum! {
        /// A test enum.
        pub enum Colour {
            /// Red.
            Red => "red",
            /// Light blue.
            LightBlue => "lightBlue",
        }
    }

    #[test]
    fn one_spelling_everywhere() {
        assert_eq!(Colour::LightBlue.as_str(), "lightBlue");
        assert_eq!(Colour::LightBlue.to_string(), "lightBlue");
        assert_eq!(
            serde_json::to_string(&Colour::Red).ok().as_deref(),
            Some("\"red\"")
        );
        assert_eq!(Colour::parse("lightBlue"), Some(Colour::LightBlue));
        assert_eq!(Colour::parse("LightBlue"), None);
        assert_eq!(Colour::ALL.len(), 2);
    }

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(super::hex(&[0x00, 0xab, 0x0f, 0xff]), "00ab0fff");
    }
}
