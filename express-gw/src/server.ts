/** `npm start`: the gateway on GATEWAY_HOST:GATEWAY_PORT, in front of GATEWAY_UPSTREAM_URL. */

import { createGateway } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { jsonLog } from "./log.js";

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`gateway: ${error.message}\n`);
  process.exit(2);
}

const server = createGateway(config).listen(config.port, config.host, () => {
  jsonLog("gateway.started", {
    address: `http://${config.host}:${config.port}`,
    upstream: config.upstreamUrl.href,
  });
});

function stop(): void {
  // Open event streams would hold `close` forever: end them with the process.
  server.close();
  server.closeAllConnections();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
