// What comes in from the places workers run away from this process's view: an SSH host's stream, a box's door.
export { BoxDoors } from './box-doors.js';
export { HostStreams } from './host-streams.js';
