// Temporary credentials the store or the hub's rules do not allow: not an
// error of the request, so the answer still carries snippets (with
// placeholders) and this reason, in the user's words.
export class Unavailable extends Error {}
