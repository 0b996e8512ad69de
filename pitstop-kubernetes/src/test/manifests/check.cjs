// Validates Kubernetes manifests against the Kubernetes API's OpenAPI schemas, as kubernetes-models
// compiles them into one class per kind: node check.cjs FILE.yaml... prints every object that is
// not valid (file, kind, name, the failing field's path and why) and exits 1 if there was one.
// kubernetes-models stays on 4.x: 5.x needs Node.js 22, and bin/test installs Debian's Node.js 20.
"use strict";
const fs = require("fs");
const YAML = require("yaml");

// "apps/v1" + "Deployment" → kubernetes-models/apps/v1/Deployment ("v1" is the core group's path)
function modelOf(apiVersion, kind) {
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    return undefined;
  }
  try {
    const model = require(`kubernetes-models/${apiVersion}/${kind}`)[kind];
    return model && model.apiVersion === apiVersion && model.kind === kind ? model : undefined;
  } catch (e) {
    if (e.code === "MODULE_NOT_FOUND") return undefined;
    throw e;
  }
}

function problems(text) {
  const found = [];
  for (const document of YAML.parseAllDocuments(text)) {
    if (document.errors.length) {
      document.errors.forEach((e) => found.push(`not YAML: ${e.message}`));
      continue;
    }
    const object = document.toJS();
    if (object == null) continue;
    const { apiVersion, kind, metadata } = object;
    const where = `${kind} ${metadata?.name ?? metadata?.generateName ?? "(no name)"}`;
    const Model = modelOf(apiVersion, kind);
    if (!Model) {
      found.push(`${where}: apiVersion ${apiVersion}, kind ${kind} is not a kind of the Kubernetes API`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (e) {
      if (!e.errors) throw e;
      for (const error of e.errors) {
        const detail = error.params?.additionalProperty ?? error.params?.allowedValues;
        found.push(`${where}: ${error.instancePath || "/"} ${error.message}${detail ? ` (${detail})` : ""}`);
      }
    }
  }
  return found;
}

const files = process.argv.slice(2);
if (!files.length) {
  console.error("usage: node check.cjs MANIFEST.yaml...");
  process.exit(2);
}
let failed = false;
for (const file of files) {
  for (const problem of problems(fs.readFileSync(file, "utf8"))) {
    console.log(`${file}: ${problem}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
