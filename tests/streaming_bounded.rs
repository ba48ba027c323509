//! Issue 10, defect 6: `explain` of a 200 MB transcript took 3.7 GB and `diff` of two
//! 5.1 GB, because each read its files whole. Here, without measuring memory (the
//! figures are in scripts/bench-memory.sh), the reading itself is watched: a native
//! transcript is read as the explanations go, and diff walks both sessions side by
//! side. Read whole, the endless transcript below would never end, and the diff's
//! second session would be read only after the first.

use std::cell::Cell;
use std::io::{BufReader, Read};
use std::rc::Rc;

use imap_tutor::explain::{Explainer, Options};
use imap_tutor::transcript::diff::diff_streams;
use imap_tutor::transcript::native::NativeReader;
use imap_tutor::transcript::normalize::Rules;
use imap_tutor::transcript::Record;

/// An endless native transcript: a header, a greeting, then NOOP after NOOP. Counts
/// the bytes handed out.
struct Endless {
    pending: Vec<u8>,
    n: u64,
    served: Rc<Cell<u64>>,
}

impl Endless {
    fn new(served: Rc<Cell<u64>>) -> Self {
        Endless {
            pending: b"# imap-tutor transcript 1\n\nS: * OK ready\n".to_vec(),
            n: 0,
            served,
        }
    }
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pending.len() < buf.len() {
            self.n += 1;
            let n = self.n;
            self.pending.extend_from_slice(
                format!("C: a{n} NOOP\nS: a{n} OK NOOP completed.\n").as_bytes(),
            );
        }
        let len = buf.len();
        buf.copy_from_slice(&self.pending[..len]);
        self.pending.drain(..len);
        self.served.set(self.served.get() + len as u64);
        Ok(len)
    }
}

#[test]
fn explain_reads_a_native_transcript_as_it_explains_it() {
    let served = Rc::new(Cell::new(0));
    let reader = NativeReader::new(BufReader::new(Endless::new(served.clone()))).unwrap();
    let mut commands = 0;
    let mut most_read = 0;
    // 20,000 records of a transcript that never ends.
    let records = reader.map(|r| r.unwrap()).take(20_000);
    Explainer::explain_records(records, Options::default(), |a, _| {
        if a.display.ends_with("NOOP") {
            commands += 1;
            most_read = most_read.max(served.get());
        }
    });
    assert_eq!(commands, 10_000);
    // 10,000 NOOPs are about 400 KB; what was read is that and one buffer more.
    assert!(served.get() < 600_000, "read {} bytes", served.get());
}

/// Records from an endless transcript, at most `limit` of them, counting those pulled.
fn session(limit: usize, pulled: Rc<Cell<u64>>) -> impl Iterator<Item = Record> {
    let reader = NativeReader::new(BufReader::new(Endless::new(Rc::new(Cell::new(0))))).unwrap();
    reader.map(|r| r.unwrap()).take(limit).inspect(move |_| {
        pulled.set(pulled.get() + 1);
    })
}

#[test]
fn diff_compares_two_sessions_side_by_side() {
    const RECORDS: usize = 40_001;
    let pulled = [Rc::new(Cell::new(0)), Rc::new(Cell::new(0))];
    let opened = [Rc::new(Cell::new(0)), Rc::new(Cell::new(0))];
    let widest = Rc::new(Cell::new(0u64));
    let open = |side: usize| {
        let pulled = pulled.clone();
        let opened = opened[side].clone();
        let widest = widest.clone();
        move || {
            opened.set(opened.get() + 1);
            // Reset the counts at each new pass.
            pulled[side].set(0);
            let second_pass = opened.get() == 2;
            let all = pulled.clone();
            let widest = widest.clone();
            session(RECORDS, pulled[side].clone()).inspect(move |_| {
                if second_pass {
                    let gap = all[0].get().abs_diff(all[1].get());
                    widest.set(widest.get().max(gap));
                }
            })
        }
    };
    let report = diff_streams(open(0), open(1), &Rules::default());
    assert!(report.is_same(), "the same session on both sides");
    assert_eq!(opened[0].get(), 2);
    assert_eq!(opened[1].get(), 2);
    // In the comparing pass, neither side runs ahead of the other by more than a
    // few exchanges: what is held is what is open, not a session.
    assert!(
        widest.get() < 100,
        "one side ran {} records ahead",
        widest.get()
    );
}
