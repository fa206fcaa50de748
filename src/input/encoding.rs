//! Text encodings of files saved by Excel and other Windows programs: a CSV saved on a Chinese
//! Windows is GBK (GB18030 is its superset), not UTF-8. Detected from the first bytes and
//! decoded as a stream (`encoding_rs`), so a large file is never held whole.

use std::io::{self, Read};

use encoding_rs::{Decoder, Encoding, GB18030};

/// How many leading bytes decide the encoding.
const SNIFF_BYTES: usize = 64 * 1024;

/// A reader of UTF-8 text over `inner`, and the encoding it was decoded from when that was
/// not UTF-8 (`Some(GB18030)`), for a note to the user.
pub fn utf8_reader<'a>(
    mut inner: impl Read + 'a,
) -> io::Result<(Box<dyn Read + 'a>, Option<&'static Encoding>)> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut inner)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    let utf8 = looks_utf8(&head);
    let rest = io::Cursor::new(head).chain(inner);
    if utf8 {
        return Ok((Box::new(rest), None));
    }
    Ok((
        Box::new(Transcode {
            inner: rest,
            decoder: GB18030.new_decoder_without_bom_handling(),
            input: vec![0; 8 * 1024],
            output: Vec::new(),
            at: 0,
            done: false,
        }),
        Some(GB18030),
    ))
}

/// UTF-8 unless the bytes hold more malformed sequences than well-formed non-ASCII
/// characters: a UTF-8 file with one bad row stays UTF-8 (that row is reported), a GBK file
/// (whose Chinese is almost never well-formed UTF-8) is not.
fn looks_utf8(mut bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                good += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (ok, rest) = bytes.split_at(e.valid_up_to());
                good += std::str::from_utf8(ok)
                    .map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                match e.error_len() {
                    Some(n) => {
                        bad += 1;
                        bytes = &rest[n..];
                    }
                    // Cut in the middle of a character at the end of the sniffed bytes.
                    None => break,
                }
            }
        }
    }
    bad == 0 || good >= bad
}

/// Decodes `inner` to UTF-8 on the fly.
struct Transcode<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    output: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: Read> Read for Transcode<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.at < self.output.len() {
                let n = buf.len().min(self.output.len() - self.at);
                buf[..n].copy_from_slice(&self.output[self.at..self.at + n]);
                self.at += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            let n = self.inner.read(&mut self.input)?;
            let last = n == 0;
            self.output.clear();
            self.at = 0;
            let mut src = &self.input[..n];
            loop {
                // A GB18030 byte becomes at most 4 UTF-8 bytes (malformed input a U+FFFD, 3).
                let need = self
                    .decoder
                    .max_utf8_buffer_length(src.len())
                    .unwrap_or(src.len() * 4 + 16);
                let start = self.output.len();
                self.output.resize(start + need, 0);
                let (result, read, written, _) =
                    self.decoder
                        .decode_to_utf8(src, &mut self.output[start..], last);
                self.output.truncate(start + written);
                src = &src[read..];
                if result == encoding_rs::CoderResult::InputEmpty {
                    break;
                }
            }
            self.done = last;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_is_decoded_and_named() {
        let (bytes, _, _) = GB18030.encode("名称,金额\n本溪钢铁,1000\n");
        let (mut r, enc) = utf8_reader(&bytes[..]).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "名称,金额\n本溪钢铁,1000\n");
        assert_eq!(enc, Some(GB18030));
    }

    #[test]
    fn one_bad_row_does_not_make_a_utf8_file_gbk() {
        let mut bytes = "名称,金额\n本溪钢铁,1000\n本溪水务,2000\n"
            .as_bytes()
            .to_vec();
        bytes.extend([0xB1, 0xBE, b',', b'1', b'\n']);
        let (_, enc) = utf8_reader(&bytes[..]).unwrap();
        assert_eq!(enc, None);
    }

    #[test]
    fn utf8_passes_through() {
        let text = "a,b\n本溪,1\n";
        let (mut r, enc) = utf8_reader(text.as_bytes()).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, text);
        assert_eq!(enc, None);
    }

    #[test]
    fn long_gbk_across_buffers() {
        let line = "本溪钢铁集团有限公司,12600000\n".repeat(5000);
        let (bytes, _, _) = GB18030.encode(&line);
        let (mut r, _) = utf8_reader(&bytes[..]).unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, line);
    }
}
