# Prints the scalar value of the top-level YAML key `key` (e.g. `password: "s3cret"` -> s3cret), enough for
# the keys the built-in guest reads from NoCloud meta-data and #cloud-config user-data.
BEGIN { found = 0 }
!found && $0 ~ ("^" key "[ \t]*:") {
  v = substr($0, index($0, ":") + 1)
  sub(/^[ \t]+/, "", v)
  if (v ~ /^"/) { v = substr(v, 2); sub(/"[ \t]*(#.*)?$/, "", v); gsub(/\\"/, "\"", v); gsub(/\\\\/, "\\", v) }
  else if (v ~ /^'/) { v = substr(v, 2); sub(/'[ \t]*(#.*)?$/, "", v); gsub(/''/, "'", v) }
  else { sub(/[ \t]+#.*$/, "", v); sub(/[ \t\r]+$/, "", v) }
  print v
  found = 1
}
