//! The raw pipe round trip: 8 bytes to a child process that writes them straight back, with
//! no frames, no event loop and no C. It is the limit a pool's small-task round trip is measured
//! against, waiting the same two ways the pool can ([`isolated::spin`]): blocking at once, or
//! spinning first.
//!
//! The child is this same `xtask` binary, run as the hidden `cargo xtask pipe-echo`: it ends
//! when its stdin closes, so a killed benchmark leaves no echo process behind.

use std::io::{BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use isolated::spin::SpinRead;

/// The bytes of one round trip: a request the size of the pool's smallest payload.
const MESSAGE: usize = 8;

/// Options for the hidden `cargo xtask pipe-echo`.
#[derive(Debug, Args)]
pub struct EchoArgs {
    /// Spin this many microseconds for the next message before blocking (0: block at once).
    #[arg(long, default_value_t = 0)]
    pub spin_us: u64,
}

/// The child's side: echoes every 8-byte message on stdin until it closes.
pub fn echo(args: &EchoArgs) -> anyhow::Result<()> {
    let spin = Duration::from_micros(args.spin_us);
    echo_loop(std::io::stdin().lock(), std::io::stdout().lock(), spin)
}

/// Echoes every 8-byte message of `input` to `output`, spinning up to `spin` for each, until
/// `input` ends.
pub fn echo_loop(
    input: impl Read + std::os::fd::AsFd,
    mut output: impl Write,
    spin: Duration,
) -> anyhow::Result<()> {
    let mut input = BufReader::new(SpinRead::new(input, spin));
    let mut buf = [0u8; MESSAGE];
    loop {
        match input.read_exact(&mut buf) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e).context("pipe-echo: reading"),
        }
        output.write_all(&buf)?;
        output.flush()?;
    }
}

/// A running echo child and the parent's ends of its pipes.
#[derive(Debug)]
pub struct Partner {
    child: Child,
    to: Option<ChildStdin>,
    from: BufReader<SpinRead<ChildStdout>>,
}

impl Partner {
    /// Starts `cargo xtask pipe-echo` with both sides spinning for up to `spin`.
    pub fn start(spin: Duration) -> anyhow::Result<Partner> {
        let exe = std::env::current_exe().context("finding this xtask binary")?;
        let mut child = Command::new(exe)
            .args(["pipe-echo", "--spin-us", &spin.as_micros().to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting the pipe-echo child")?;
        let (Some(to), Some(from)) = (child.stdin.take(), child.stdout.take()) else {
            anyhow::bail!("the pipe-echo child has no pipes");
        };
        let mut partner = Partner {
            child,
            to: Some(to),
            from: BufReader::new(SpinRead::new(from, spin)),
        };
        partner.round_trips(1)?; // it is up and answering
        Ok(partner)
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Times `k` round trips of one 8-byte message.
    pub fn round_trips(&mut self, k: usize) -> anyhow::Result<Duration> {
        let to = self.to.as_mut().context("the pipe-echo child was closed")?;
        let mut back = [0u8; MESSAGE];
        let start = Instant::now();
        for i in 0..k {
            let msg = (i as u64).to_le_bytes();
            to.write_all(&msg)?;
            self.from
                .read_exact(&mut back)
                .context("pipe-echo: no answer")?;
            anyhow::ensure!(back == msg, "pipe-echo answered {back:?} to {msg:?}");
        }
        Ok(start.elapsed())
    }
}

impl Drop for Partner {
    /// Closes the child's stdin, which ends it, and reaps it.
    fn drop(&mut self) {
        drop(self.to.take());
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_echo_answers_every_message_and_ends_with_its_input() {
        // The test binary is not xtask: the echo loop runs on a thread, over two pipes.
        let (child_in, mut parent_out) = std::io::pipe().unwrap();
        let (mut parent_in, child_out) = std::io::pipe().unwrap();
        let echoer =
            std::thread::spawn(move || echo_loop(child_in, child_out, Duration::from_micros(20)));
        for i in 0..100u64 {
            parent_out.write_all(&i.to_le_bytes()).unwrap();
            let mut back = [0u8; MESSAGE];
            parent_in.read_exact(&mut back).unwrap();
            assert_eq!(u64::from_le_bytes(back), i);
        }
        drop(parent_out);
        echoer
            .join()
            .unwrap()
            .expect("a closed input ends the echo cleanly");
    }
}
