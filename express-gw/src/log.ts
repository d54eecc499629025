/** One JSON object per line on stdout, like the API's log (docs/operations.md). */

export type Log = (event: string, fields: Record<string, unknown>) => void;

export const jsonLog: Log = (event, fields) => {
  process.stdout.write(
    JSON.stringify({ time: new Date().toISOString(), component: "gateway", event, ...fields }) +
      "\n",
  );
};
