//! Running a build tool with its output streamed, line by line, to the caller's progress
//! writer, and the errors that name the tool.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, ExitStatus, Stdio};

use crate::PackageError;

/// Runs `command` with its stdout and stderr streamed line by line to `progress` (each as
/// it comes, so a slow download shows), and returns its exit status. `tool` names it in
/// errors.
pub(super) fn run_streamed(
    command: &mut Command,
    tool: &str,
    progress: &mut dyn Write,
) -> Result<ExitStatus, PackageError> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| spawn_error(tool, e))?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(PackageError::io(
            tool,
            std::io::Error::other("no pipes to the tool"),
        ));
    };
    let (lines, received) = std::sync::mpsc::channel::<String>();
    std::thread::scope(|scope| {
        for pipe in [Box::new(stdout) as Box<dyn Read + Send>, Box::new(stderr)] {
            let lines = lines.clone();
            scope.spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if lines.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        drop(lines);
        for line in received {
            // Progress is best effort: a closed terminal must not fail the build.
            let _ = writeln!(progress, "{line}");
        }
    });
    child.wait().map_err(|e| PackageError::io(tool, e))
}

/// The error for a tool that could not be started.
fn spawn_error(tool: &str, error: std::io::Error) -> PackageError {
    if error.kind() != std::io::ErrorKind::NotFound {
        return PackageError::io(tool, error);
    }
    let hint = match tool {
        "python3" => {
            "install Python 3.10 or later with its `venv` module (Debian: `apt install python3-venv`), or set COHACK_PYTHON to a Python 3 interpreter"
        }
        "node" | "npm" => "install Node.js 18 or later with npm (https://nodejs.org)",
        _ => "is it installed and on the PATH?",
    };
    PackageError::ToolMissing {
        tool: tool.to_owned(),
        hint: hint.to_owned(),
    }
}

/// Fails with [`PackageError::ToolFailed`] unless `status` is a success.
pub(super) fn check_status(status: ExitStatus, tool: &str) -> Result<(), PackageError> {
    if status.success() {
        Ok(())
    } else {
        Err(PackageError::ToolFailed {
            tool: tool.to_owned(),
            status: status.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_output_reaches_progress_and_failures_name_the_tool() {
        let mut progress = Vec::new();
        let status = run_streamed(
            Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]),
            "sh",
            &mut progress,
        )
        .unwrap();
        let text = String::from_utf8(progress).unwrap();
        assert!(text.contains("out\n") && text.contains("err\n"), "{text}");
        let error = check_status(status, "componentize-py").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("componentize-py failed (exit status: 3)"),
            "{error}"
        );
        let missing = run_streamed(
            &mut Command::new("/nonexistent/python3"),
            "python3",
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(
            missing
                .to_string()
                .starts_with("python3 was not found: install Python"),
            "{missing}"
        );
    }
}
