# Answers one QEMU guest-agent request (a JSON line on stdin) with one JSON line on stdout, with the reply
# shapes of the real qemu-ga. The request is flattened into val[path] / typ[path] ("s" string, "n" number,
# "b" boolean, "z" null, "o" object, "a" array with len[path] elements), paths like "arguments.arg.0".

function skipws() {
  while (pos <= n && index(" \t\r\n", substr(s, pos, 1)) > 0) pos++
}

function hexval(h,   i, v, c) {
  v = 0
  for (i = 1; i <= length(h); i++) {
    c = index("0123456789abcdef", tolower(substr(h, i, 1)))
    if (c == 0) { bad = 1; return 0 }
    v = v * 16 + c - 1
  }
  return v
}

# UTF-8 bytes of code point u (surrogate pairs are not joined: agents never receive them from virtnet).
function utf8(u) {
  if (u < 128) return sprintf("%c", u)
  if (u < 2048) return sprintf("%c%c", 192 + int(u / 64), 128 + u % 64)
  return sprintf("%c%c%c", 224 + int(u / 4096), 128 + int(u / 64) % 64, 128 + u % 64)
}

function pstring(   out, c) {
  pos++
  out = ""
  while (pos <= n) {
    if (match(substr(s, pos), /^[^"\\]+/)) {
      out = out substr(s, pos, RLENGTH)
      pos += RLENGTH
      continue
    }
    c = substr(s, pos, 1)
    if (c == "\"") { pos++; return out }
    c = substr(s, pos + 1, 1)
    pos += 2
    if (c == "n") out = out "\n"
    else if (c == "t") out = out "\t"
    else if (c == "r") out = out "\r"
    else if (c == "b") out = out "\b"
    else if (c == "f") out = out "\f"
    else if (c == "u") { out = out utf8(hexval(substr(s, pos, 4))); pos += 4 }
    else out = out c
  }
  bad = 1
  return out
}

function pvalue(path,   c, k, i, sub_) {
  skipws()
  c = substr(s, pos, 1)
  if (c == "{") {
    pos++
    typ[path] = "o"
    skipws()
    if (substr(s, pos, 1) == "}") { pos++; return }
    while (!bad) {
      skipws()
      if (substr(s, pos, 1) != "\"") { bad = 1; return }
      k = pstring()
      skipws()
      if (substr(s, pos, 1) != ":") { bad = 1; return }
      pos++
      sub_ = (path == "") ? k : path "." k
      pvalue(sub_)
      skipws()
      c = substr(s, pos, 1)
      pos++
      if (c == "}") return
      if (c != ",") { bad = 1; return }
    }
    return
  }
  if (c == "[") {
    pos++
    typ[path] = "a"
    len[path] = 0
    skipws()
    if (substr(s, pos, 1) == "]") { pos++; return }
    i = 0
    while (!bad) {
      pvalue(path "." i)
      i++
      len[path] = i
      skipws()
      c = substr(s, pos, 1)
      pos++
      if (c == "]") return
      if (c != ",") { bad = 1; return }
    }
    return
  }
  if (c == "\"") {
    typ[path] = "s"
    val[path] = pstring()
    return
  }
  if (match(substr(s, pos), /^(true|false|null|-?[0-9][0-9.eE+-]*)/)) {
    val[path] = substr(s, pos, RLENGTH)
    pos += RLENGTH
    typ[path] = (val[path] == "null") ? "z" : (val[path] ~ /^[tf]/) ? "b" : "n"
    return
  }
  bad = 1
}

function jstr(v,   out, i, c, code) {
  gsub(/\\/, "\\\\", v)
  gsub(/"/, "\\\"", v)
  gsub(/\n/, "\\n", v)
  gsub(/\r/, "\\r", v)
  gsub(/\t/, "\\t", v)
  if (v ~ /[\001-\037]/) {
    out = ""
    for (i = 1; i <= length(v); i++) {
      c = substr(v, i, 1)
      code = index(ctl, c)
      out = out (code > 0 ? sprintf("\\u%04x", code) : c)
    }
    v = out
  }
  return "\"" v "\""
}

# Single-quoted for sh -c.
function shq(v) {
  gsub(/'/, "'\\''", v)
  return "'" v "'"
}

function reply(payload) {
  if (idraw != "") payload = substr(payload, 1, length(payload) - 1) ",\"id\":" idraw "}"
  printf "%s\n", payload
}

function ret(v) { reply("{\"return\":" v "}") }

function fail(cls, desc) { reply("{\"error\":{\"class\":" jstr(cls) ",\"desc\":" jstr(desc) "}}") }

function readfile(f,   line, out, first) {
  out = ""
  first = 1
  while ((getline line < f) > 0) { out = out (first ? "" : "\n") line; first = 0 }
  close(f)
  return out
}

function b64file(f,   cmd, out) {
  cmd = "base64 -w0 " shq(f)
  out = ""
  cmd | getline out
  close(cmd)
  return out
}

function interfaces(   cmd, line, f, name, macs, order, count, addrs, naddrs, i, a, kind, ip, prefix, out, first) {
  count = 0
  cmd = "ip -o link show"
  while ((cmd | getline line) > 0) {
    split(line, f, " ")
    name = f[2]
    sub(/:$/, "", name)
    sub(/@.*/, "", name)
    order[++count] = name
    macs[name] = ""
    if (match(line, /link\/[a-z]+ [0-9a-f:]+/)) {
      a = substr(line, RSTART, RLENGTH)
      macs[name] = substr(a, index(a, " ") + 1)
    }
  }
  close(cmd)
  cmd = "ip -o addr show"
  while ((cmd | getline line) > 0) {
    split(line, f, " ")
    name = f[2]
    kind = (f[3] == "inet6") ? "ipv6" : "ipv4"
    ip = f[4]
    prefix = ip
    sub(/\/.*/, "", ip)
    sub(/.*\//, "", prefix)
    a = "{\"ip-address-type\":\"" kind "\",\"ip-address\":" jstr(ip) ",\"prefix\":" (prefix + 0) "}"
    # (not `name in addrs`: busybox awk creates the element before evaluating the right-hand side)
    addrs[name] = (naddrs[name]++ > 0) ? addrs[name] "," a : a
  }
  close(cmd)
  out = ""
  for (i = 1; i <= count; i++) {
    name = order[i]
    a = "{\"name\":" jstr(name)
    if (macs[name] != "") a = a ",\"hardware-address\":" jstr(macs[name])
    a = a ",\"ip-addresses\":[" ((name in addrs) ? addrs[name] : "") "]}"
    out = (i == 1) ? a : out "," a
  }
  return "[" out "]"
}

function guest_exec(   path, nargs, i, cmd, id, d, capture, f) {
  path = val["arguments.path"]
  if (path == "") { fail("GenericError", "Parameter 'path' is missing"); return }
  f = "/run/qga/seq"
  id = readfile(f) + 1
  printf "%d\n", id > f
  close(f)
  d = "/run/qga/" id
  system("mkdir -p " shq(d))
  # capture-output is a boolean (or, in newer QEMU, a mode string); false and "none" mean no capture.
  capture = !(("arguments.capture-output" in val) == 0 || val["arguments.capture-output"] == "false" || val["arguments.capture-output"] == "none")
  if (capture) { printf "" > (d "/capture"); close(d "/capture") }
  if ("arguments.input-data" in val) {
    printf "%s", val["arguments.input-data"] > (d "/in.b64")
    close(d "/in.b64")
    system("base64 -d " shq(d "/in.b64") " >" shq(d "/in"))
  } else {
    system(": >" shq(d "/in"))
  }
  cmd = "/usr/sbin/virtnet-qga-exec " shq(d) " " shq(path)
  nargs = len["arguments.arg"] + 0
  for (i = 0; i < nargs; i++) cmd = cmd " " shq(val["arguments.arg." i])
  system("cd / && " cmd " </dev/null >/dev/null 2>&1 &")
  ret("{\"pid\":" id "}")
}

function guest_exec_status(   id, d, rc, out, b) {
  id = val["arguments.pid"] + 0
  d = "/run/qga/" id
  if (system("test -d " shq(d)) != 0) { fail("GenericError", "Invalid parameter 'pid'"); return }
  if (system("test -f " shq(d "/rc")) != 0) { ret("{\"exited\":false}"); return }
  rc = readfile(d "/rc") + 0
  out = "{\"exited\":true"
  # sh reports death by signal N as 128+N; qemu-ga reports the signal instead of an exit code.
  if (rc > 128) out = out ",\"signal\":" (rc - 128)
  else out = out ",\"exitcode\":" rc
  if (system("test -f " shq(d "/capture")) == 0) {
    b = b64file(d "/out")
    if (b != "") out = out ",\"out-data\":\"" b "\""
    b = b64file(d "/err")
    if (b != "") out = out ",\"err-data\":\"" b "\""
  }
  system("rm -rf " shq(d))
  ret(out "}")
}

BEGIN {
  ctl = ""
  for (i = 1; i < 32; i++) ctl = ctl sprintf("%c", i)
}

{
  s = $0
  # A 0xFF byte (sent before guest-sync-delimited to flush a half-read request) and anything else before
  # the JSON object is dropped.
  sub(/^[^{]*/, "", s)
  if (s == "") next
  n = length(s)
  pos = 1
  bad = 0
  idraw = ""
  pvalue("")
  if (bad || typ[""] != "o") { fail("GenericError", "Invalid JSON syntax"); next }
  if ("id" in typ) idraw = (typ["id"] == "s") ? jstr(val["id"]) : val["id"]
  cmd = val["execute"]
  # The id goes back as the literal it came as (awk numbers would print large ones in exponent form).
  if (cmd == "guest-sync") ret(val["arguments.id"])
  else if (cmd == "guest-sync-delimited") { printf "%c", 255; ret(val["arguments.id"]) }
  else if (cmd == "guest-ping") ret("{}")
  else if (cmd == "guest-info") {
    out = ""
    split("guest-sync guest-sync-delimited guest-ping guest-info guest-network-get-interfaces guest-exec guest-exec-status guest-shutdown", names, " ")
    for (i = 1; i in names; i++) {
      one = "{\"name\":\"" names[i] "\",\"enabled\":true,\"success-response\":" (names[i] == "guest-shutdown" ? "false" : "true") "}"
      out = (i == 1) ? one : out "," one
    }
    ret("{\"version\":\"virtnet-guest-agent 1\",\"supported_commands\":[" out "]}")
  }
  else if (cmd == "guest-network-get-interfaces") ret(interfaces())
  else if (cmd == "guest-exec") guest_exec()
  else if (cmd == "guest-exec-status") guest_exec_status()
  else if (cmd == "guest-shutdown") {
    # No reply on success, like qemu-ga: the guest is going away.
    mode = val["arguments.mode"]
    system((mode == "reboot" ? "reboot" : "poweroff") " </dev/null >/dev/null 2>&1 &")
  }
  else if (cmd == "") fail("GenericError", "Expected 'execute' in QMP input")
  else fail("CommandNotFound", "The command " cmd " has not been found")
  fflush()
}
