"""Drives the lrps Jupyter kernel with a real client (Debian's python3-jupyter-client).

Run by KernelTests.swift as: python3 drive_kernel.py REPO_ROOT, with JUPYTER_PATH pointing at a
kernelspec that `lrps kernel install --prefix` wrote. Prints one line per check and exits 1 on
the first failure, naming it.
"""
import base64
import queue
import sys
import time

from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

repo = sys.argv[1]
TIMEOUT = 120


def check(condition, what, detail=""):
    if not condition:
        print(f"FAIL: {what}\n{detail}", flush=True)
        km.shutdown_kernel(now=True)  # don't leave the kernel running
        sys.exit(1)
    print(f"ok: {what}", flush=True)


km = KernelManager(kernel_name="lrps")
km.start_kernel(cwd=repo)
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=TIMEOUT)


def drain_iopub(msg_id, until_idle=True, on_message=None):
    """IOPub messages caused by msg_id, up to its idle status."""
    messages = []
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if on_message:
            on_message(msg)
        if until_idle and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages
    raise TimeoutError(f"no idle status for {msg_id}")


def run(code, on_message=None):
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
    return reply["content"], drain_iopub(msg_id, on_message=on_message)


def outputs(messages, kind):
    return [m["content"] for m in messages if m["msg_type"] == kind]


# The kernel listens on the connection file's address only (127.0.0.1), on all five ports.
info = km.get_connection_info()
ports = {info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")}
listening = {}
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    with open(table) as f:
        for row in f.readlines()[1:]:
            fields = row.split()
            address, port = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(port, 16) in ports:
                listening.setdefault(int(port, 16), []).append(address)
check(set(listening) == ports and all(a == ["0100007F"] for a in listening.values()),
      "listens on 127.0.0.1 only", listening)

# kernel_info
kc.kernel_info()
info = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check(info["language_info"]["name"] == "lrps" and info["protocol_version"] == "5.3", "kernel_info", info)

# Cells of the tutorial, variables persisting across them.
reply, msgs = run('mnist = load mnist "data/mnist"\nX, T = sample mnist 12 seed=1234')
check(reply["status"] == "ok", "load and sample", reply)
check(len(outputs(msgs, "execute_input")) == 1, "execute_input published", msgs)
reply, msgs = run('print argmax(T, axis=1)')
text = "".join(o["text"] for o in outputs(msgs, "stream"))
check(text == "[2 1 0 6 8 8 0 3 8 9 4 6]\n", "print as a stream (the tutorial's labels)", text)
reply, msgs = run('mlp = load network "models/tutorial/mlp"\nY = forward mlp X\n'
                  'R = relprop mlp Y*T rules=deeptaylor\nshow R map=heat')
check(reply["status"] == "ok", "relprop cell", reply)
images = [o for o in outputs(msgs, "display_data") if "image/png" in o["data"]]
check(len(images) == 1, "show gives one display_data with a PNG", msgs)
png = base64.b64decode(images[0]["data"]["image/png"])
check(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000, "the figure is a PNG", png[:16])
width = int.from_bytes(png[16:20], "big")
height = int.from_bytes(png[20:24], "big")
meta = images[0]["metadata"]["image/png"]
check((width, height) == (meta["width"], meta["height"]) and width > 28 * 4, "PNG size and metadata",
      (width, height, meta))
reply, msgs = run('save R "out/kernel-test/mlp.png" map=heat')
check(len([o for o in outputs(msgs, "display_data") if "image/png" in o["data"]]) == 1,
      "save shows the saved figure too", msgs)

# An unassigned value is an execute_result with the cell's count.
reply, msgs = run("R")
results = outputs(msgs, "execute_result")
check(len(results) == 1 and "12x28x28x1" in results[0]["data"]["text/plain"]
      and results[0]["execution_count"] == reply["execution_count"], "execute_result", msgs)

# An error cell: positioned message, and the session goes on.
reply, msgs = run("print nosuchname")
errors = outputs(msgs, "error")
check(reply["status"] == "error" and len(errors) == 1 and "nosuchname" in errors[0]["evalue"]
      and any(":1:7" in line for line in errors[0]["traceback"]), "error cell", (reply, msgs))
reply, msgs = run("print 6 * 7")
check(reply["status"] == "ok" and "42" in "".join(o["text"] for o in outputs(msgs, "stream")),
      "session goes on after an error", msgs)

# Completion and inspection come from the REPL's completion and help.
kc.complete("x = relp", 8)
reply = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check("relprop" in reply["matches"] and reply["cursor_start"] == 4 and reply["cursor_end"] == 8,
      "complete a command", reply)
kc.complete("print mn", 8)
reply = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check(reply["matches"] == ["mnist"], "complete a variable", reply)
code = "# cafe\u0301\nprint mn"  # a combining accent: cursor positions count code points
kc.complete(code, len(code))
reply = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check(reply["matches"] == ["mnist"] and reply["cursor_start"] == len(code) - 2 and reply["cursor_end"] == len(code),
      "complete after a combining character", reply)
code = 'm = load mnist "data/mn'
kc.complete(code, len(code))
reply = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check("data/mnist/" in reply["matches"] and code[reply["cursor_start"]:] == "data/mn", "complete a path", reply)
kc.inspect("relprop", 3)
reply = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check(reply["found"] and "relprop" in reply["data"]["text/plain"] and "rules" in reply["data"]["text/plain"],
      "inspect a command", reply)
kc.inspect("print R", 7)
reply = kc.get_shell_msg(timeout=TIMEOUT)["content"]
check(reply["found"] and "12x28x28x1" in reply["data"]["text/plain"], "inspect a variable", reply)
for code, status in [("X = [1,", "incomplete"), ('print "open', "incomplete"), ("print 1", "complete")]:
    kc.is_complete(code)
    reply = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    check(reply["status"] == status, f"is_complete {code!r}", reply)

# Interrupt during whole-data-set work: the statement stops, the session stays.
reply, msgs = run('cnn = load network "models/tutorial/cnn"')
check(reply["status"] == "ok", "load the CNN", reply)
progress = []
msg_id = kc.execute(
    "\n".join(["Rall = relprop cnn mnist pad=2 batch=100"] * 6))
interrupted = False
deadline = time.time() + TIMEOUT
while time.time() < deadline and not interrupted:
    try:
        msg = kc.get_iopub_msg(timeout=1)
    except queue.Empty:
        continue
    if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] in ("display_data", "update_display_data"):
        progress.append(msg)
        km.interrupt_kernel()
        interrupted = True
check(interrupted and "display_id" in progress[0]["content"].get("transient", {}),
      "progress is an updating display", progress[:1])
reply = kc.get_shell_msg(timeout=TIMEOUT)
while reply["parent_header"].get("msg_id") != msg_id:
    reply = kc.get_shell_msg(timeout=TIMEOUT)
check(reply["content"]["status"] == "error" and "interrupted" in reply["content"]["evalue"],
      "interrupt stops the statement", reply["content"])
drain_iopub(msg_id)
reply, msgs = run("print X.shape")
check(reply["status"] == "ok" and "12" in "".join(o["text"] for o in outputs(msgs, "stream")),
      "variables survive an interrupt", msgs)

# A message with a wrong signature is dropped: no reply comes to it.
bad = Session(key=b"not-the-key", username="intruder")
bad.send(kc.shell_channel.socket, "execute_request",
         {"code": 'save X "out/kernel-test/intruder.npy"', "silent": False, "store_history": True,
          "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
reply, msgs = run("print 1")
check(reply["status"] == "ok", "kernel answers after a forged message", reply)
import os
check(not os.path.exists(os.path.join(repo, "out/kernel-test/intruder.npy")), "forged message not run")

# Restart: a new session without the old variables.
km.restart_kernel(now=False)
kc.wait_for_ready(timeout=TIMEOUT)
reply, msgs = run("print X")
check(reply["status"] == "error" and "X" in reply["evalue"], "restart forgets variables", reply)
reply, msgs = run("print 2 + 2")
check(reply["status"] == "ok", "restarted kernel runs cells", reply)

kc.stop_channels()
km.shutdown_kernel(now=False)
check(not km.is_alive(), "shutdown")
print("all kernel checks passed")
