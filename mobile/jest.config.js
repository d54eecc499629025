// jest-expo runs the screens with React Native's JavaScript and Expo's module mocks; the
// workspace packages (TypeScript sources) are transformed like the app's own code.
/** @type {import('jest').Config} */
module.exports = {
  preset: "jest-expo",
  // A limit on stuck tests, not a speed check: the first render of the router takes seconds on a
  // loaded 2-core machine.
  testTimeout: 60_000,
  transformIgnorePatterns: [
    "node_modules/(?!((jest-)?react-native|@react-native(-community)?)|expo(nent)?|@expo(nent)?/.*|@expo-google-fonts/.*|react-navigation|@react-navigation/.*|@dubflow/.*|openapi-fetch|standard-navigation)",
  ],
};
