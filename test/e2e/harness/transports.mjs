// The MCP transports every tool suite runs over (see mcp.mjs). "http" needs the Streamable HTTP
// transport in the jar (issue 6); E2E_TRANSPORTS=stdio,http overrides the list for one run.
export const TRANSPORTS = process.env.E2E_TRANSPORTS ? process.env.E2E_TRANSPORTS.split(',') : ['stdio'];
