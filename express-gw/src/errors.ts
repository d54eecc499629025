/** Why the API could not answer: the gateway's 502 and 504. */

export class UpstreamUnavailable extends Error {}

export class UpstreamTimeout extends Error {}
