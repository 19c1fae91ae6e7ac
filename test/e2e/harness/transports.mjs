// The MCP transports every tool suite runs over (see mcp.mjs): stdio, and Streamable HTTP with
// each caller's token in X-Vault-Token. E2E_TRANSPORTS=stdio (or http) narrows one run.
export const TRANSPORTS = process.env.E2E_TRANSPORTS ? process.env.E2E_TRANSPORTS.split(',') : ['stdio', 'http'];
