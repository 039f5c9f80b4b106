import { defineErrors } from '@qm/kit';

export const SupportErrors = defineErrors({
  TEXT_REQUIRED: [400, 'text must contain something other than blanks'],
  CONVERSATION_OF_ANOTHER_CUSTOMER: [409, 'the conversation belongs to another customer'],
  CONVERSATION_BUSY: [503, 'earlier messages of the conversation are still being answered'],
  AUDIO_INVALID: [400, 'the body is not a PCM WAV recording'],
  AUDIO_TOO_LONG: [413, 'the recording is longer than the service accepts'],
  RECOGNISER_UNAVAILABLE: [503, 'the speech recogniser is not available'],
  RECOGNISER_BUSY: [503, 'the speech recogniser is busy; try again in a few seconds'],
  RECOGNISER_TIMED_OUT: [503, 'the speech recogniser took too long over the recording'],
});
