// Checks of package.json, the language configuration and the grammar, which
// VS Code reads without running any code of the extension.

import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";

// The compiled tests run from out/test/unit, the sources from test/unit: both are three levels down.
const root = path.resolve(__dirname, "..", "..", "..");
const readJson = (name: string) => JSON.parse(fs.readFileSync(path.join(root, name), "utf8"));
const manifest = readJson("package.json");
const languageConfiguration = readJson("language-configuration.json");

describe("package.json", () => {
  test("activation events listed explicitly", () => {
    // code-server 4.100 did not activate the extension when these were left to be inferred.
    assert.deepEqual(manifest.activationEvents, ["onLanguage:cam-policy", "onLanguage:json", "onLanguage:jsonc"]);
  });

  test("cam-policy language and file names", () => {
    const [language] = manifest.contributes.languages;
    assert.equal(language.id, "cam-policy");
    assert.equal(language.aliases[0], "CAM Policy");
    assert.deepEqual(language.extensions, [".cam.json", ".cam-policy.json"]);
    assert.ok(fs.existsSync(path.join(root, language.configuration)));
  });

  test("grammar includes the JSON grammar", () => {
    const [grammar] = manifest.contributes.grammars;
    assert.equal(grammar.language, "cam-policy");
    const content = readJson(grammar.path);
    assert.equal(content.scopeName, grammar.scopeName);
    assert.deepEqual(content.patterns, [{ include: "source.json" }]);
  });

  test("commands", () => {
    const titles = manifest.contributes.commands.map((command: { category: string; title: string }) => `${command.category}: ${command.title}`);
    assert.deepEqual(titles, ["CAM Policy: Restart Server", "CAM Policy: Show Server Log"]);
  });

  const expectedSettings: Record<string, [string, unknown]> = {
    "camPolicy.server.pythonPath": ["string", ""],
    "camPolicy.server.args": ["array", []],
    "camPolicy.trace.server": ["string", "off"],
    "camPolicy.defaultUin": ["string", ""],
    "camPolicy.defaultRegion": ["string", ""],
    "camPolicy.inlayHints": ["boolean", true],
    "camPolicy.extraCatalogs": ["array", []],
  };
  for (const [name, [type, defaultValue]] of Object.entries(expectedSettings)) {
    test(`setting ${name}`, () => {
      const setting = manifest.contributes.configuration.properties[name];
      assert.ok(setting, `${name} is not declared`);
      assert.equal(setting.type, type);
      assert.deepEqual(setting.default, defaultValue);
      assert.ok((setting.description ?? setting.markdownDescription ?? "").length > 20, `${name} has no description`);
    });
  }

  test("no undeclared settings", () => {
    assert.deepEqual(Object.keys(manifest.contributes.configuration.properties).sort(), Object.keys(expectedSettings).sort());
  });

  test("trace levels", () => {
    assert.deepEqual(manifest.contributes.configuration.properties["camPolicy.trace.server"].enum, ["off", "messages", "verbose"]);
  });

  test("uin pattern", () => {
    const pattern = new RegExp(manifest.contributes.configuration.properties["camPolicy.defaultUin"].pattern);
    assert.ok(pattern.test(""));
    assert.ok(pattern.test("100000000001"));
    assert.ok(!pattern.test("1000a"));
    assert.ok(!pattern.test("uin/100000000001"));
  });
});

describe("language configuration", () => {
  const wordPattern = new RegExp(languageConfiguration.wordPattern, "g");
  const words = (text: string) => text.match(wordPattern);

  test("action with a service prefix is one word", () => {
    assert.deepEqual(words('"action": ["name/kms:Encrypt", "kms:*"]'), ["action", "name/kms:Encrypt", "kms:*"]);
  });

  test("six-segment resource is one word", () => {
    const resource = "qcs::kms:ap-guangzhou:uin/100000000001:key/creatorUin/100000000001/23e80852-1e38-11e9";
    assert.deepEqual(words(`"${resource}"`), [resource]);
  });

  test("key separator is not a word", () => {
    assert.deepEqual(words('{"version": "2.0"}'), ["version", "2.0"]);
  });

  test("quotes close automatically outside strings", () => {
    const quote = languageConfiguration.autoClosingPairs.find((pair: { open: string }) => pair.open === '"');
    assert.deepEqual(quote, { open: '"', close: '"', notIn: ["string"] });
  });

  test("brackets", () => {
    assert.deepEqual(languageConfiguration.brackets, [
      ["{", "}"],
      ["[", "]"],
    ]);
  });
});
