package store

import (
	"strings"
)

// temporaryCodes are the ClickHouse error codes after which the same
// statement may succeed later: the server or disk is busy, full or
// briefly unreachable. Both backends classify with them (chDB reports
// codes in its messages, clickhouse-go in exceptions); any other code is
// permanent for the statement that got it.
var temporaryCodes = map[int]string{
	3:   "UNEXPECTED_END_OF_FILE",
	32:  "ATTEMPT_TO_READ_AFTER_EOF",
	74:  "CANNOT_READ_FROM_FILE_DESCRIPTOR",
	75:  "CANNOT_WRITE_TO_FILE_DESCRIPTOR",
	76:  "CANNOT_OPEN_FILE",
	159: "TIMEOUT_EXCEEDED",
	173: "CANNOT_ALLOCATE_MEMORY",
	202: "TOO_MANY_SIMULTANEOUS_QUERIES",
	203: "NO_FREE_CONNECTION",
	209: "SOCKET_TIMEOUT",
	210: "NETWORK_ERROR",
	236: "ABORTED",
	241: "MEMORY_LIMIT_EXCEEDED",
	242: "TABLE_IS_READ_ONLY",
	243: "NOT_ENOUGH_SPACE",
	252: "TOO_MANY_PARTS",
	279: "ALL_CONNECTION_TRIES_FAILED",
	285: "TOO_FEW_LIVE_REPLICAS",
	286: "UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE",
	319: "UNKNOWN_STATUS_OF_INSERT",
	394: "QUERY_WAS_CANCELLED",
	439: "CANNOT_SCHEDULE_TASK",
	999: "KEEPER_EXCEPTION",
}

// temporaryMessages are operating-system failures that may pass, whatever
// code carries them.
var temporaryMessages = []string{"No space left on device", "Too many open files", "Cannot allocate memory", "Connection refused", "Connection reset"}

// TemporaryCode reports whether a ClickHouse error with this code may
// pass if the statement is tried again later.
func TemporaryCode(code int) bool {
	_, ok := temporaryCodes[code]
	return ok
}

// TemporaryMessage reports whether an engine's error message names a
// failure that may pass (a full disk, no file descriptors left).
func TemporaryMessage(msg string) bool {
	for _, m := range temporaryMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}
