# The native addon of etherflow: built at `npm install` by scripts/build-native.mjs (node-gyp with
# the installed Node's own headers, no download). Output: build/Release/ether_native.node.
{
  "targets": [
    {
      "target_name": "ether_native",
      "sources": ["src/addon.cc", "src/watcher.cc"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      # SWALLOW_UNTHROWABLE: never turn "cannot throw, the environment is going away" into an abort.
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        # One platform file per OS; macOS (os_sync_wait_on_address) and Windows come later.
        ["OS=='linux'", {"sources": ["src/platform_linux.cc"]}]
      ]
    }
  ]
}
