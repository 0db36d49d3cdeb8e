import { readFile } from 'node:fs/promises';
import { FlowValidationError } from '../errors';
import { parseFlow, type ParsedFlow } from './parse-flow';

/** Reads and parses a flow file. Throws FLOW_FILE_NOT_FOUND / FLOW_FILE_UNREADABLE; bad content is in `errors`. */
export async function loadFlowFile(path: string): Promise<ParsedFlow> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT')
      throw new FlowValidationError('FLOW_FILE_NOT_FOUND', `flow file ${path} does not exist. Check the path.`, { cause: err });
    throw new FlowValidationError(
      'FLOW_FILE_UNREADABLE',
      `flow file ${path} cannot be read (${code ?? (err as Error).message}). Check that it is a readable file.`,
      { cause: err },
    );
  }
  return parseFlow(text, { file: path });
}
