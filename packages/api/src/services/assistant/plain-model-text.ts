// The model's words reduced to plain text before they leave Handoff (PSA ticket notes, email): the
// PSA or a mail client may render HTML or markdown, and an answer steered by session text could
// carry tags, links to scripts, or javascript:/data: URLs. Tags go (scripts and styles with their
// content), markdown links and images keep only their text, dangerous URLs are dropped.
// Never interprets anything: the output is text for a person to read.

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const SCRIPT_OR_STYLE = /<(script|style)\b[\s\S]*?(?:<\/\1\s*>|$)/gi;
const TAG = /<\/?[a-z!][^>]*>/gi;
// The target may hold one level of parentheses: [x](javascript:alert(1)).
const MARKDOWN_LINK = /!?\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)/g;
const MARKDOWN_REFERENCE_LINK = /!?\[([^\]]*)\]\[[^\]]*\]/g;
const MARKDOWN_LINK_DEFINITION = /^[ \t]*\[[^\]]+\]:[ \t]*\S+.*$/gm;
const DANGEROUS_URL = /\b(?:javascript|data|vbscript|file):\S*/gi;
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function plainModelText(text: string): string {
  return text
    .replace(HTML_COMMENT, "")
    .replace(SCRIPT_OR_STYLE, "")
    .replace(TAG, "")
    .replace(MARKDOWN_LINK, "$1")
    .replace(MARKDOWN_REFERENCE_LINK, "$1")
    .replace(MARKDOWN_LINK_DEFINITION, "")
    .replace(DANGEROUS_URL, "")
    .replace(BIDI_CONTROLS, "")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}
