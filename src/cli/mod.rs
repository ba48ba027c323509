//! One module per subcommand: each turns its arguments into calls on the library.

pub mod check;
pub mod connect;
pub mod convert;
pub mod diff;
pub mod explain;
pub mod lesson;
pub mod proxy;
pub mod replay;
pub mod serve;

/// An error that ends a subcommand, with the message shown to the user.
pub type CliResult = Result<std::process::ExitCode, String>;

/// Reads a file, or stdin for `-`, with an error that says what to check.
pub fn read_input(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|e| {
        format!(
            "cannot read {}: {e} (check the path; use - for stdin)",
            path.display()
        )
    })
}
