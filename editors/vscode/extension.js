// The VS Code side of SVL: starts `svl lsp` (docs/editors.md) and hands
// .svl documents to it.  Highlighting, brackets, comments and snippets are
// declared in package.json and work without the server.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("svl");
  const command = config.get("path", "svl");
  const inputs = config.get("inputs", []);
  const server = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "svl",
    "SVL",
    { run: server, debug: server },
    {
      documentSelector: [{ language: "svl" }],
      initializationOptions: { inputs },
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.svl") },
    }
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("svl.path") || e.affectsConfiguration("svl.inputs")) {
        vscode.window.showInformationMessage("SVL: reload the window to restart the language server with the new settings.");
      }
    })
  );
  client.start().catch((err) => {
    vscode.window.showErrorMessage(
      `SVL: could not start '${command} lsp' (${err.message}). Install svl or set svl.path.`
    );
  });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
