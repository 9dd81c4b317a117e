//! What the numbers were measured on: printed on every figure and table, and stored in the JSON.

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The machine and the moment of one benchmark run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    /// CPU model name from `/proc/cpuinfo` (or "unknown CPU").
    pub cpu: String,
    /// Cores this process may run on.
    pub cores: usize,
    /// Kernel release (`/proc/sys/kernel/osrelease`).
    pub kernel: String,
    /// `rustc --version` of the toolchain in use.
    pub rustc: String,
    /// C compiler used for the shared library (`cc --version`, first line).
    pub cc: String,
    /// UTC date and time the run started, `YYYY-MM-DD HH:MM UTC`.
    pub date: String,
    /// Whether threads could be pinned to cores.
    pub pinned: bool,
}

impl Machine {
    /// Looks at this machine now.
    pub fn detect() -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_string())
            })
            .unwrap_or_else(|| "unknown CPU".to_string());
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| std::env::consts::OS.to_string());
        Machine {
            cpu,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            kernel,
            rustc: first_line("rustc", &["--version"]),
            cc: first_line("cc", &["--version"]),
            date: utc_date(SystemTime::now()),
            pinned: harness::core_for(0).is_some(),
        }
    }

    /// The one-line caption every figure and table carries.
    pub fn caption(&self) -> String {
        let rustc = short(&self.rustc);
        format!(
            "{}, {} cores, Linux {}, {}, {}",
            self.cpu, self.cores, self.kernel, rustc, self.date
        )
    }
}

/// `rustc 1.95.0 (59807616e 2026-04-14)` → `rustc 1.95.0`; `cc (Debian 12.2.0-14) 12.2.0` →
/// `cc 12.2.0` (the JSON keeps the whole line).
pub fn short(version_line: &str) -> String {
    let words: Vec<&str> = version_line.split_whitespace().collect();
    match (
        words.first(),
        words
            .iter()
            .find(|w| w.starts_with(|c: char| c.is_ascii_digit()) && !w.contains(')')),
    ) {
        (Some(name), Some(v)) => format!("{name} {v}"),
        _ => version_line.to_string(),
    }
}

fn first_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .map(str::to_string)
        })
        .unwrap_or_else(|| format!("{program}: not found"))
}

/// `YYYY-MM-DD HH:MM UTC` for a time after 1970.
pub fn utc_date(t: SystemTime) -> String {
    let t = if t < UNIX_EPOCH { UNIX_EPOCH } else { t };
    jiff::Timestamp::try_from(t)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%d %H:%M UTC")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn short_keeps_the_name_and_the_version_number() {
        assert_eq!(short("rustc 1.95.0 (59807616e 2026-04-14)"), "rustc 1.95.0");
        assert_eq!(short("cc (Debian 12.2.0-14+deb12u1) 12.2.0"), "cc 12.2.0");
        assert_eq!(short("cc: not found"), "cc: not found");
    }

    #[test]
    fn utc_date_formats_known_instants() {
        assert_eq!(utc_date(UNIX_EPOCH), "1970-01-01 00:00 UTC");
        // 2000-02-29 12:34 UTC (a leap day in a year divisible by 400)
        let t = UNIX_EPOCH + Duration::from_secs(951_827_640);
        assert_eq!(utc_date(t), "2000-02-29 12:34 UTC");
        // 2026-11-25 15:30 UTC
        let t = UNIX_EPOCH + Duration::from_secs(1_795_620_600);
        assert_eq!(utc_date(t), "2026-11-25 15:30 UTC");
        // Seconds are dropped, not rounded: 1999-12-31 23:59:59 UTC.
        let t = UNIX_EPOCH + Duration::from_secs(946_684_799);
        assert_eq!(utc_date(t), "1999-12-31 23:59 UTC");
        // Before 1970 reads as 1970 (the benchmark never runs then).
        let t = UNIX_EPOCH - Duration::from_secs(86_400);
        assert_eq!(utc_date(t), "1970-01-01 00:00 UTC");
    }
}
