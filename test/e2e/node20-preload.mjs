// Preload for running the conformance CLI on Node 20 (node --import ./node20-preload.mjs ...).
// Both pinned conformance bundles start with `import { ..., globSync, ... } from "fs"`, and
// fs.globSync exists only from Node 22, so on Node 20 the CLI fails to link before doing anything.
// Only the `tier-check` sub-command calls globSync; the server scenarios we run never do. On
// Node < 22 this registers a load hook that rewrites that one import in those bundles only, so
// globSync becomes a function that throws if it is ever called. On Node >= 22 it does nothing.
import fs from 'node:fs';
import { register } from 'node:module';

if (typeof fs.globSync !== 'function') {
  const hook = `
    const bundle = /\\/node_modules\\/(@modelcontextprotocol\\/conformance|conformance-next)\\/dist\\/[^/]+\\.js$/;
    export async function load(url, context, nextLoad) {
      const loaded = await nextLoad(url, context);
      if (!bundle.test(url) || loaded.source == null) return loaded;
      const source = String(loaded.source).replace(/import\\s*\\{([^}]*)\\}\\s*from\\s*"fs";/, (all, names) => {
        const list = names.split(',').map((n) => n.trim());
        const glob = list.find((n) => n === 'globSync' || n.startsWith('globSync '));
        if (!glob) return all;
        const local = glob.includes(' as ') ? glob.split(' as ')[1].trim() : 'globSync';
        const rest = list.filter((n) => n !== glob).join(',');
        return 'import{' + rest + '}from"fs";const ' + local +
          '=()=>{throw new Error("fs.globSync needs Node 22 or later (conformance tier-check)")};';
      });
      return { ...loaded, source };
    }`;
  register('data:text/javascript,' + encodeURIComponent(hook));
}
