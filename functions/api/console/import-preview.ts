import { importPreviewInputSchema, importPreviewOutputSchema } from '../../../shared/schemas/import-job.schema';
import { person, route } from '../../_lib/handler';
import { previewUpload } from '../../_lib/import/console-import';
import { requireOperator } from '../../_lib/messaging/campaigns';

// POST /api/console/import-preview {kind, fileName, fileBase64, source}: what the file is
// (format, encoding), its headers, the first rows, and the mapping to confirm — the one this
// source used last time where it names the columns, else suggested from the headers — with
// what the mapping still lacks, and whether this exact file was imported before. Stores nothing.
export default route({
  POST: person({
    input: importPreviewInputSchema,
    output: importPreviewOutputSchema,
    run: ({ input, inTx }) =>
      inTx(async (tx) => {
        await requireOperator(tx);
        return previewUpload(tx, input);
      }),
  }),
});
