// LogLine: the one way the app writes a human line to stderr ("edgesight: <text>"), and the
// level it carries when stderr is the systemd journal.
//
// Contract
// - Under systemd with StandardError=journal, the service manager sets JOURNAL_STREAM to the
//   "device:inode" of the stream; when it matches stderr, each line starts with the syslog
//   priority prefix journald understands ("<3>" error, "<4>" warning, "<5>" notice, "<6>" info;
//   sd-daemon(3)), so `journalctl -p warning` filters by level. Anywhere else lines are plain.
// - ConfigureLogging() makes spdlog (the libraries' warnings) follow the same rule.
// - A line never contains a line break (OneLine). A summary printed on stdout is one line of
//   JSON when stdout is the journal (callers check IsJournalStream(1)), not one entry per line.
// Thread-safety: LogLine is safe from any thread (one fprintf per line).
#pragma once

#include <string>

namespace es {

enum class LogLevel { kError = 3, kWarning = 4, kNotice = 5, kInfo = 6 };

// True when the descriptor is the journal stream JOURNAL_STREAM names (systemd connects stdout
// and stderr of a service to the same stream). StderrIsJournal() is IsJournalStream(2).
bool IsJournalStream(int fd);
bool StderrIsJournal();

void LogLine(LogLevel level, const std::string& text);

// spdlog's default logger on stderr, warnings and up, with the journal prefix when
// StderrIsJournal().
void ConfigureLogging();

}  // namespace es
