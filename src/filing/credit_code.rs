//! Verification of the Chinese 统一社会信用代码 (Unified Social Credit
//! Identifier, USCI) per GB 32100-2015, including the embedded
//! 组织机构代码 (organization code, positions 9–17) per GB 11714-1997.
//!
//! Layout of the 18 characters (1-based positions):
//!
//! | positions | meaning                                             |
//! |-----------|-----------------------------------------------------|
//! | 1         | 登记管理部门代码 (registration authority)           |
//! | 2         | 机构类别代码 (category)                             |
//! | 3–8       | 登记管理机关行政区划码 (administrative division, 6 digits) |
//! | 9–16      | 组织机构代码本体 (organization code body)           |
//! | 17        | 组织机构代码校验码 (GB 11714-1997 check character)   |
//! | 18        | 统一社会信用代码校验码 (GB 32100-2015 check character) |
//!
//! Input policy: the input is checked exactly as given. Surrounding or
//! embedded whitespace is rejected (the caller trims nothing), lowercase
//! letters are rejected with a hint to use uppercase, and full-width
//! characters are rejected with a hint to use half-width characters.
//!
//! Order of checks: whitespace, length, character set (lowercase /
//! alphabet), division code digits, then the GB 11714 check (position 17),
//! and finally the GB 32100 check (position 18). When both check characters
//! are wrong the organization-code check is reported first, because the
//! position-18 check character is computed over position 17 as well.
//!
//! Positions 1 and 2 are only checked against the GB 32100 alphabet; the
//! tables of registration authorities and categories have been extended over
//! time, so they are deliberately not enforced here.

/// The GB 32100-2015 code alphabet; a character's value is its index.
const GB32100_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100-2015 weights for positions 1..=17.
const GB32100_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// GB 11714-1997 weights for the 8 body characters.
const GB11714_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Total length of a unified social credit code, in characters.
pub const CODE_LEN: usize = 18;

/// An error found while verifying a unified social credit code.
///
/// All positions are 1-based character positions (not byte offsets).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    /// The code does not have exactly 18 characters.
    #[error("credit code must have 18 characters, found {found}")]
    Length { found: usize },
    /// The code contains whitespace (the caller is expected not to rely on trimming).
    #[error("credit code contains whitespace at position {position}")]
    Whitespace { position: usize },
    /// A lowercase letter whose uppercase form would be allowed.
    #[error("lowercase letter '{ch}' at position {position}; use uppercase")]
    Lowercase { position: usize, ch: char },
    /// A character outside the GB 32100-2015 alphabet.
    #[error("invalid character '{ch}' at position {position}")]
    BadChar { position: usize, ch: char },
    /// A non-digit in the administrative division code (positions 3–8).
    #[error(
        "administrative division code (positions 3-8) must be digits, found '{ch}' at position {position}"
    )]
    DivisionCode { position: usize, ch: char },
    /// Wrong GB 32100-2015 check character (position 18).
    #[error("check character at position 18 should be '{expected}', found '{found}'")]
    CheckChar { expected: char, found: char },
    /// Wrong GB 11714-1997 organization-code check character (position 17).
    #[error(
        "organization code check character at position 17 should be '{expected}', found '{found}'"
    )]
    OrgCodeCheck { expected: char, found: char },
}

impl CreditCodeError {
    /// A full, self-contained sentence describing the error, in Chinese
    /// (`zh == true`) or English.
    pub fn message(&self, zh: bool) -> String {
        match *self {
            CreditCodeError::Length { found } => {
                if zh {
                    format!(
                        "长度错误：统一社会信用代码应为18位字符（GB 32100-2015），实为 {found} 位"
                    )
                } else {
                    format!(
                        "wrong length: a unified social credit code has 18 characters (GB 32100-2015), found {found}"
                    )
                }
            }
            CreditCodeError::Whitespace { position } => {
                if zh {
                    format!(
                        "含有空白字符：第{position}位是空格或其他空白字符，请删除代码前后及中间的空白"
                    )
                } else {
                    format!(
                        "whitespace in code: position {position} is a space or other whitespace; remove any leading, trailing or embedded whitespace"
                    )
                }
            }
            CreditCodeError::Lowercase { position, ch } => {
                let upper = ch.to_ascii_uppercase();
                if zh {
                    format!(
                        "字母应大写：第{position}位为小写字母 {ch}，请改用大写 {upper}（GB 32100-2015 只使用大写字母）"
                    )
                } else {
                    format!(
                        "lowercase letter: position {position} is '{ch}'; use uppercase '{upper}' (GB 32100-2015 uses uppercase letters only)"
                    )
                }
            }
            CreditCodeError::BadChar { position, ch } => {
                let hint_zh = if is_fullwidth(ch) {
                    "；这是全角字符，请改用半角字符"
                } else {
                    ""
                };
                let hint_en = if is_fullwidth(ch) {
                    "; this is a full-width character, use the half-width (ASCII) form"
                } else {
                    ""
                };
                if zh {
                    format!(
                        "非法字符：第{position}位为 {ch}，统一社会信用代码只能使用数字 0–9 和大写字母（不含 I、O、Z、S、V）（GB 32100-2015）{hint_zh}"
                    )
                } else {
                    format!(
                        "invalid character: position {position} is '{ch}'; a unified social credit code may only contain digits 0-9 and uppercase letters except I, O, Z, S, V (GB 32100-2015){hint_en}"
                    )
                }
            }
            CreditCodeError::DivisionCode { position, ch } => {
                if zh {
                    format!(
                        "行政区划码错误：第3–8位应为6位数字的登记管理机关行政区划码（GB 32100-2015），第{position}位却为 {ch}"
                    )
                } else {
                    format!(
                        "administrative division code wrong: positions 3-8 must be a 6-digit division code (GB 32100-2015), but position {position} is '{ch}'"
                    )
                }
            }
            CreditCodeError::CheckChar { expected, found } => {
                if zh {
                    format!(
                        "校验码错误：第18位应为 {expected}（按 GB 32100-2015 计算），实为 {found}"
                    )
                } else {
                    format!(
                        "check character wrong: position 18 should be '{expected}' (GB 32100-2015), found '{found}'"
                    )
                }
            }
            CreditCodeError::OrgCodeCheck { expected, found } => {
                if zh {
                    format!(
                        "组织机构代码校验码错误：第17位应为 {expected}（按 GB 11714-1997 由第9–16位计算），实为 {found}"
                    )
                } else {
                    format!(
                        "organization code check character wrong: position 17 should be '{expected}' (GB 11714-1997, computed from positions 9-16), found '{found}'"
                    )
                }
            }
        }
    }
}

/// Full-width ASCII variants (U+FF01..=U+FF5E) and the ideographic space.
fn is_fullwidth(ch: char) -> bool {
    ('\u{FF01}'..='\u{FF5E}').contains(&ch) || ch == '\u{3000}'
}

/// Value of `ch` in the GB 32100-2015 alphabet (0..=30), if it belongs to it.
fn gb32100_value(ch: char) -> Option<u32> {
    // The alphabet is ASCII: a character's value is its byte's place in it, looked up.
    let v = *GB32100_VALUES.get(usize::try_from(u32::from(ch)).ok()?)?;
    (v != u8::MAX).then_some(u32::from(v))
}

/// [`GB32100_ALPHABET`] by byte: each ASCII byte's value, `u8::MAX` for none.
const GB32100_VALUES: [u8; 128] = {
    let alphabet = GB32100_ALPHABET.as_bytes();
    let mut values = [u8::MAX; 128];
    let mut i = 0;
    while i < alphabet.len() {
        values[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    values
};

/// Character of the GB 32100-2015 alphabet with value `v` (0..=30).
fn gb32100_char(v: u32) -> Option<char> {
    GB32100_ALPHABET.chars().nth(usize::try_from(v).ok()?)
}

/// Value of a GB 11714-1997 body character: digits 0–9, uppercase A=10 … Z=35.
fn gb11714_value(ch: char) -> Option<u32> {
    match ch {
        '0'..='9' | 'A'..='Z' => ch.to_digit(36),
        _ => None,
    }
}

/// Compute the GB 32100-2015 check character (position 18) for the first 17
/// characters. Returns `None` unless `first17` is exactly 17 characters of
/// the GB 32100 alphabet (uppercase only).
pub fn gb32100_check_char(first17: &str) -> Option<char> {
    gb32100_check_of(first17.chars())
}

fn gb32100_check_of(first17: impl Iterator<Item = char>) -> Option<char> {
    let mut sum = 0u32;
    let mut n = 0usize;
    for ch in first17 {
        let w = GB32100_WEIGHTS.get(n)?;
        sum += gb32100_value(ch)? * w;
        n += 1;
    }
    if n != GB32100_WEIGHTS.len() {
        return None;
    }
    gb32100_char((31 - sum % 31) % 31)
}

/// Compute the GB 11714-1997 organization-code check character for the 8
/// body characters. Returns `None` unless `first8` is exactly 8 characters
/// from `0-9A-Z` (uppercase only).
pub fn gb11714_check_char(first8: &str) -> Option<char> {
    gb11714_check_of(first8.chars())
}

fn gb11714_check_of(first8: impl Iterator<Item = char>) -> Option<char> {
    let mut sum = 0u32;
    let mut n = 0usize;
    for ch in first8 {
        let w = GB11714_WEIGHTS.get(n)?;
        sum += gb11714_value(ch)? * w;
        n += 1;
    }
    if n != GB11714_WEIGHTS.len() {
        return None;
    }
    match 11 - sum % 11 {
        10 => Some('X'),
        11 => Some('0'),
        d => char::from_digit(d, 10),
    }
}

/// Complete a 16-character prefix (positions 1–16, whose positions 9–16 are
/// the organization-code body) into a valid 18-character code, appending the
/// GB 11714 and GB 32100 check characters.
///
/// Returns `None` if the prefix is not 16 characters of the GB 32100
/// alphabet or positions 3–8 are not digits, i.e. whenever the result could
/// not pass [`verify`].
pub fn complete(prefix16: &str) -> Option<String> {
    let chars: Vec<char> = prefix16.chars().collect();
    if chars.len() != 16 || chars.iter().any(|&c| gb32100_value(c).is_none()) {
        return None;
    }
    if !chars[2..8].iter().all(char::is_ascii_digit) {
        return None;
    }
    let body: String = chars[8..16].iter().collect();
    let org_check = gb11714_check_char(&body)?;
    let mut code = String::with_capacity(CODE_LEN);
    code.push_str(prefix16);
    code.push(org_check);
    let check = gb32100_check_char(&code)?;
    code.push(check);
    Some(code)
}

/// Verify a unified social credit code exactly as given (no trimming, no case
/// folding). See the module documentation for the order of checks.
pub fn verify(code: &str) -> Result<(), CreditCodeError> {
    if let Some((i, _)) = code.chars().enumerate().find(|(_, c)| c.is_whitespace()) {
        return Err(CreditCodeError::Whitespace { position: i + 1 });
    }
    // The characters, counted first: a code of the right length is held without allocating.
    let found = code.chars().count();
    if found != CODE_LEN {
        return Err(CreditCodeError::Length { found });
    }
    let mut chars = ['\0'; CODE_LEN];
    for (slot, ch) in chars.iter_mut().zip(code.chars()) {
        *slot = ch;
    }
    for (i, &ch) in chars.iter().enumerate() {
        if gb32100_value(ch).is_some() {
            continue;
        }
        let position = i + 1;
        if ch.is_ascii_lowercase() && gb32100_value(ch.to_ascii_uppercase()).is_some() {
            return Err(CreditCodeError::Lowercase { position, ch });
        }
        return Err(CreditCodeError::BadChar { position, ch });
    }
    if let Some((i, &ch)) = chars
        .iter()
        .enumerate()
        .take(8)
        .skip(2)
        .find(|(_, c)| !c.is_ascii_digit())
    {
        return Err(CreditCodeError::DivisionCode {
            position: i + 1,
            ch,
        });
    }

    // All characters are in the GB 32100 alphabet, which is a subset of the
    // GB 11714 body alphabet, so these computations cannot fail; fall back
    // gracefully anyway instead of panicking.
    let org_expected = gb11714_check_of(chars[8..16].iter().copied()).unwrap_or('?');
    if org_expected != chars[16] {
        return Err(CreditCodeError::OrgCodeCheck {
            expected: org_expected,
            found: chars[16],
        });
    }
    let expected = gb32100_check_of(chars[..17].iter().copied()).unwrap_or('?');
    if expected != chars[17] {
        return Err(CreditCodeError::CheckChar {
            expected,
            found: chars[17],
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tiny deterministic PRNG (xorshift64*) so the property tests need no
    /// external crates and are reproducible.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick(&mut self, alphabet: &str) -> char {
            let chars: Vec<char> = alphabet.chars().collect();
            chars[self.below(chars.len())]
        }
    }

    fn random_prefix(rng: &mut Rng) -> String {
        let mut s = String::new();
        for _ in 0..2 {
            s.push(rng.pick(GB32100_ALPHABET));
        }
        for _ in 0..6 {
            s.push(rng.pick("0123456789"));
        }
        for _ in 0..8 {
            s.push(rng.pick(GB32100_ALPHABET));
        }
        s
    }

    #[test]
    fn real_world_codes_are_valid() {
        for code in [
            "9144030071526726XG", // 深圳市腾讯计算机系统有限公司
            "914403001922038216", // 华为技术有限公司
            "91330100716105852F", // 阿里巴巴（中国）有限公司
        ] {
            assert_eq!(verify(code), Ok(()), "{code}");
        }
    }

    #[test]
    fn benxi_example() {
        // Valid by both checks: body MA0YB123 -> org check '8', then GB 32100 check '3'.
        assert_eq!(verify("91210500MA0YB12383"), Ok(()));
        assert_eq!(gb11714_check_char("MA0YB123"), Some('8'));
        assert_eq!(gb32100_check_char("91210500MA0YB1238"), Some('3'));
        assert_eq!(
            complete("91210500MA0YB123").as_deref(),
            Some("91210500MA0YB12383")
        );
    }

    #[test]
    fn benxi_samples_are_valid() {
        for code in BENXI_SAMPLES {
            assert_eq!(verify(code), Ok(()), "{code}");
            assert!(code.starts_with("91210500"));
        }
    }

    const BENXI_SAMPLES: [&str; 6] = [
        "91210500MA0YB12383",
        "91210500MA0XK7N440",
        "91210500MA10C2PT6K",
        "912105002413000048",
        "91210500119312562T",
        "912105007815964323",
    ];

    #[test]
    fn gb11714_known_values() {
        // Classic textbook example: D2143569-X.
        assert_eq!(gb11714_check_char("D2143569"), Some('X'));
        // Letters outside the GB 32100 alphabet are fine for plain GB 11714.
        assert!(gb11714_check_char("IOZSV123").is_some());
        assert_eq!(gb11714_check_char("d2143569"), None);
        assert_eq!(gb11714_check_char("D214356"), None);
        assert_eq!(gb11714_check_char("D21435690"), None);
        assert_eq!(gb11714_check_char(""), None);
        assert_eq!(gb11714_check_char("D214356é"), None);
    }

    #[test]
    fn gb11714_check_maps_10_and_11() {
        // Find bodies giving remainder 1 (→ 'X') and 0 (→ '0') and check both occur.
        let mut seen_x = false;
        let mut seen_0 = false;
        for n in 0..1000u32 {
            let body = format!("{n:08}");
            match gb11714_check_char(&body) {
                Some('X') => seen_x = true,
                Some('0') => seen_0 = true,
                Some(c) => assert!(c.is_ascii_digit()),
                None => panic!("digits must always be accepted"),
            }
        }
        assert!(seen_x && seen_0);
        assert_eq!(gb11714_check_char("00000000"), Some('0'));
    }

    #[test]
    fn gb32100_helper_rejects_bad_input() {
        assert_eq!(gb32100_check_char("9144030071526726X"), Some('G'));
        assert_eq!(gb32100_check_char("9144030071526726"), None);
        assert_eq!(gb32100_check_char("9144030071526726XX"), None);
        assert_eq!(gb32100_check_char("9144030071526726x"), None);
        assert_eq!(gb32100_check_char("914403007152672IX"), None);
        assert_eq!(gb32100_check_char(""), None);
        assert_eq!(gb32100_check_char("91440300715267２6X"), None);
        // Sum ≡ 0 (mod 31) maps to '0'.
        assert_eq!(gb32100_check_char("00000000000000000"), Some('0'));
    }

    #[test]
    fn length_errors() {
        assert_eq!(verify(""), Err(CreditCodeError::Length { found: 0 }));
        assert_eq!(
            verify("9144030071526726X"),
            Err(CreditCodeError::Length { found: 17 })
        );
        assert_eq!(
            verify("9144030071526726XGG"),
            Err(CreditCodeError::Length { found: 19 })
        );
        // Counted in characters, not bytes.
        assert_eq!(
            verify("统一社会信用代码"),
            Err(CreditCodeError::Length { found: 8 })
        );
    }

    #[test]
    fn whitespace_is_rejected() {
        assert_eq!(
            verify(" 9144030071526726XG"),
            Err(CreditCodeError::Whitespace { position: 1 })
        );
        assert_eq!(
            verify("9144030071526726XG\n"),
            Err(CreditCodeError::Whitespace { position: 19 })
        );
        assert_eq!(
            verify("91440300 71526726XG"),
            Err(CreditCodeError::Whitespace { position: 9 })
        );
        assert_eq!(
            verify("914403007152672\u{3000}XG"),
            Err(CreditCodeError::Whitespace { position: 16 })
        );
    }

    #[test]
    fn lowercase_is_rejected_with_hint() {
        let err = verify("9144030071526726xg").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::Lowercase {
                position: 17,
                ch: 'x'
            }
        );
        assert!(err.message(false).contains("uppercase 'X'"));
        assert!(err.message(true).contains("大写 X"));
        // A lowercase letter whose uppercase is not allowed either is just a bad char.
        assert_eq!(
            verify("9144030071526726XI"),
            Err(CreditCodeError::BadChar {
                position: 18,
                ch: 'I'
            })
        );
        assert_eq!(
            verify("9144030071526726Xi"),
            Err(CreditCodeError::BadChar {
                position: 18,
                ch: 'i'
            })
        );
    }

    #[test]
    fn bad_chars() {
        for (i, bad) in ['I', 'O', 'Z', 'S', 'V', '-', '*'].into_iter().enumerate() {
            let mut code: Vec<char> = "9144030071526726XG".chars().collect();
            let pos = 9 + i; // inside the org-code body
            code[pos - 1] = bad;
            let code: String = code.into_iter().collect();
            assert_eq!(
                verify(&code),
                Err(CreditCodeError::BadChar {
                    position: pos,
                    ch: bad
                }),
                "{code}"
            );
        }
    }

    #[test]
    fn multibyte_input_never_panics() {
        // 18 chars with a multi-byte char in the middle.
        assert_eq!(
            verify("91440300715267é6XG"),
            Err(CreditCodeError::BadChar {
                position: 15,
                ch: 'é'
            })
        );
        let err = verify("9144030071526726ＸG").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::BadChar {
                position: 17,
                ch: 'Ｘ'
            }
        );
        assert!(err.message(true).contains("全角"));
        assert!(err.message(false).contains("full-width"));
        assert_eq!(
            verify("統一社會信用代碼統一社會信用代碼統一"),
            Err(CreditCodeError::BadChar {
                position: 1,
                ch: '統'
            })
        );
        assert_eq!(verify("😀"), Err(CreditCodeError::Length { found: 1 }));
        assert_eq!(complete("9144030071526７26"), None);
        assert_eq!(complete("é"), None);
        assert_eq!(gb11714_check_char("é"), None);
        assert_eq!(gb32100_check_char("é"), None);
    }

    #[test]
    fn division_code_must_be_digits() {
        let code = complete("9144A30071526726").unwrap_or_default();
        assert!(code.is_empty(), "complete must refuse a bad division code");
        // Build a code whose check characters are right but division code is not numeric.
        let first17 = "9144A3007152672".to_string() + "6" + "X";
        let check = gb32100_check_char(&first17).unwrap();
        let code = format!("{first17}{check}");
        assert_eq!(
            verify(&code),
            Err(CreditCodeError::DivisionCode {
                position: 5,
                ch: 'A'
            })
        );
    }

    #[test]
    fn check_char_errors() {
        assert_eq!(
            verify("9144030071526726XH"),
            Err(CreditCodeError::CheckChar {
                expected: 'G',
                found: 'H'
            })
        );
        assert_eq!(
            verify("91440300715267265G"),
            Err(CreditCodeError::OrgCodeCheck {
                expected: 'X',
                found: '5'
            })
        );
        // Both wrong: the org-code check (position 17) is reported first.
        assert_eq!(
            verify("914403007152672650"),
            Err(CreditCodeError::OrgCodeCheck {
                expected: 'X',
                found: '5'
            })
        );
    }

    #[test]
    fn messages_are_complete_sentences() {
        let errors = [
            CreditCodeError::Length { found: 17 },
            CreditCodeError::Whitespace { position: 1 },
            CreditCodeError::Lowercase {
                position: 17,
                ch: 'x',
            },
            CreditCodeError::BadChar {
                position: 3,
                ch: 'O',
            },
            CreditCodeError::DivisionCode {
                position: 5,
                ch: 'A',
            },
            CreditCodeError::CheckChar {
                expected: 'G',
                found: 'H',
            },
            CreditCodeError::OrgCodeCheck {
                expected: 'X',
                found: '5',
            },
        ];
        for e in &errors {
            let zh = e.message(true);
            let en = e.message(false);
            assert!(!zh.is_empty() && !en.is_empty());
            assert!(zh.contains("GB") || matches!(e, CreditCodeError::Whitespace { .. }));
            assert!(en.contains("GB") || matches!(e, CreditCodeError::Whitespace { .. }));
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(
            errors[5].message(true),
            "校验码错误：第18位应为 G（按 GB 32100-2015 计算），实为 H"
        );
        assert_eq!(
            errors[5].message(false),
            "check character wrong: position 18 should be 'G' (GB 32100-2015), found 'H'"
        );
        assert!(errors[6].message(true).contains("第17位"));
        assert!(errors[6].message(true).contains("GB 11714-1997"));
        assert!(errors[6].message(false).contains("position 17"));
    }

    #[test]
    fn complete_always_verifies() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let prefix = random_prefix(&mut rng);
            let code = complete(&prefix).expect("valid prefix");
            assert_eq!(code.chars().count(), 18);
            assert!(code.starts_with(&prefix));
            assert_eq!(verify(&code), Ok(()), "{code}");
        }
        assert_eq!(complete("9144030071526726X"), None);
        assert_eq!(complete("914403007152672"), None);
        assert_eq!(complete("914403007152672o"), None);
    }

    #[test]
    fn every_single_char_change_is_detected() {
        let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
        let mut codes: Vec<String> = BENXI_SAMPLES.iter().map(|s| s.to_string()).collect();
        for _ in 0..300 {
            codes.push(complete(&random_prefix(&mut rng)).expect("valid prefix"));
        }
        // Every printable ASCII char plus a few multi-byte ones as replacements.
        let mut replacements: Vec<char> = (' '..='~').collect();
        replacements.extend(['é', 'Ｘ', '统', '😀', '\u{3000}']);
        for code in &codes {
            let orig: Vec<char> = code.chars().collect();
            for pos in 0..orig.len() {
                for &r in &replacements {
                    if r == orig[pos] {
                        continue;
                    }
                    let mut changed = orig.clone();
                    changed[pos] = r;
                    let changed: String = changed.into_iter().collect();
                    assert!(verify(&changed).is_err(), "{code} -> {changed} undetected");
                }
            }
        }
    }
}
