//! Progress of long command-line work: a bar on a terminal, and plain lines
//! (at every tenth of the way) when the output goes to a file or a CI log.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// Reports how far a job of known size has come.
pub struct Progress {
    label: &'static str,
    total: u64,
    done: u64,
    next_line_at: u64,
    last_printed: Option<u64>,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Starts reporting a job of `total` steps.
    #[must_use]
    pub fn new(label: &'static str, total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            if let Ok(style) =
                ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} ({eta})")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(label);
            bar
        });
        Self {
            label,
            total,
            done: 0,
            next_line_at: 0,
            last_printed: None,
            bar,
        }
    }

    /// Records `steps` more steps done.
    pub fn advance(&mut self, steps: u64) {
        self.done = (self.done + steps).min(self.total);
        if let Some(bar) = &self.bar {
            bar.set_position(self.done);
        } else if self.done >= self.next_line_at {
            self.print_line();
            self.next_line_at = self.done + (self.total / 10).max(1);
        }
    }

    /// Ends the report.
    pub fn finish(mut self) {
        if let Some(bar) = self.bar {
            bar.finish();
        } else if self.last_printed != Some(self.done) {
            self.print_line();
        }
    }

    fn print_line(&mut self) {
        eprintln!("{}: {}/{}", self.label, self.done, self.total);
        self.last_printed = Some(self.done);
    }
}
