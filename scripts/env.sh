# Sourced by the other scripts (not run): the PATH they work with.
#   - cargo's tools (~/.cargo/bin), where rustup and `cargo install` put them;
#   - Node >= 20 from the npm package node-linux-<arch> under $BLOCKLAB_NODE, which
#     scripts/setup.sh installs only when the system's node is missing or older than 20
#     (Debian 12's `nodejs` is 18). Nothing is installed globally.
BLOCKLAB_NODE=${BLOCKLAB_NODE:-/opt/blocklab-node}
export PATH="$HOME/.cargo/bin:$PATH"
if [ -x "$BLOCKLAB_NODE/node_modules/.bin/node" ]; then
  export PATH="$BLOCKLAB_NODE/node_modules/.bin:$PATH"
fi
