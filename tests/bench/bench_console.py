"""Console figures on a real pseudo-terminal: time to the first full frame,
time per filter keystroke (read to frame flushed, from the console's own
trace), and bytes written to the terminal per cursor move and per page.

usage: bench_console.py THAW WORKSPACE [COLS ROWS]
"""
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import time

thaw, workspace = sys.argv[1], sys.argv[2]
cols, rows = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (80, 24)
trace = tempfile.mktemp(prefix="thaw-trace-")
if not os.path.exists(workspace):
    import subprocess
    print("creating the large demo workspace (100,000 objects, 100M events; minutes)...")
    subprocess.run([thaw, "demo", "--size", "large", "--out", workspace], check=True)

pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", THAW_CONSOLE_TRACE=trace)
    os.execve(thaw, [thaw, "--db", workspace, "--read-only"], env)


def drain(quiet=0.15, limit=10.0):
    """Reads until the terminal has been quiet for `quiet` seconds."""
    total, end = 0, time.time() + limit
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], quiet)
        if not r:
            break
        try:
            total += len(os.read(fd, 65536))
        except OSError:
            break
    return total


def trace_lines():
    try:
        return open(trace).read().split("\n")
    except FileNotFoundError:
        return []


start = time.time()
first = drain(quiet=0.5)
first_frame = next((l.split()[1] for l in trace_lines() if l.startswith("first_frame_ms")), "?")
print("terminal %dx%d, workspace %s" % (cols, rows, workspace))
print("first full frame: %s ms after start (%d bytes)" % (first_frame, first))

moves = []
for _ in range(20):
    os.write(fd, b"j")
    moves.append(drain())
pages = []
for _ in range(10):
    os.write(fd, b"\x1b[6~")  # page down
    pages.append(drain())
print("bytes per cursor move: median %d, max %d" % (statistics.median(moves), max(moves)))
print("bytes per page scroll: median %d, max %d" % (statistics.median(pages), max(pages)))

before = len(trace_lines())
os.write(fd, b"/")
drain()
for ch in "black friday":
    os.write(fd, ch.encode())
    drain(quiet=0.1)
times = [int(l.split()[3]) for l in trace_lines()[before:] if l.startswith("keys")]
typed = times[1:]  # the first is "/" opening the filter
print("filter keystroke (read -> frame on the terminal): median %d ms, max %d ms over %d keys"
      % (statistics.median(typed), max(typed), len(typed)))
os.write(fd, b"\x1bq")
time.sleep(0.3)
os.write(fd, b"q")
os.waitpid(pid, 0)
os.unlink(trace)
